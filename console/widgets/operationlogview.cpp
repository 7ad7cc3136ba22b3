#include "operationlogview.h"

#include "client/gatewayclient.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolBar>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace tf::console {

namespace {

constexpr int kPageSize = 500;

QString displayText(const OperationLogView::Line &line)
{
    const QString level = line.level == QLatin1String("info") ? QString() : line.level.toUpper();
    return QStringLiteral("%1  %2%3")
        .arg(line.createdAt, level.isEmpty() ? QString() : level + QStringLiteral(": "), line.text);
}

QList<OperationLogView::Line> linesOf(const QJsonArray &items)
{
    QList<OperationLogView::Line> lines;
    lines.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        lines << OperationLogView::Line { object.value(QLatin1String("id")).toInteger(),
                                          object.value(QLatin1String("created_at")).toString(),
                                          object.value(QLatin1String("level")).toString(),
                                          object.value(QLatin1String("line")).toString() };
    }
    return lines;
}

} // namespace

OperationLogView::OperationLogView(GatewayClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_tools(new QToolBar(this))
    , m_search(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_status(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("operationLogView"));
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setAccessibleName(tr("Search the log"));
    m_search->setPlaceholderText(tr("Search the log (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_count->setObjectName(QStringLiteral("logMatches"));
    m_count->setAccessibleName(tr("Search matches"));
    m_count->setMinimumWidth(
        m_count->fontMetrics().horizontalAdvance(tr("%1 of %2").arg(8888).arg(8888)));
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->setAccessibleName(tr("Log status"));
    m_text->setObjectName(QStringLiteral("operationLog"));
    m_text->setAccessibleName(tr("Operation log"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setCenterOnScroll(false);

    const auto action = [this](const QString &text, const QString &name, const QKeySequence &key) {
        auto *created = new QAction(text, this);
        created->setObjectName(name);
        created->setShortcut(key);
        created->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(created);
        return created;
    };
    m_findAction = action(tr("Find in Log"), QStringLiteral("findInLog"), QKeySequence::Find);
    m_nextAction = action(tr("Next Match"), QStringLiteral("nextLogMatch"), QKeySequence::FindNext);
    m_nextAction->setToolTip(tr("Next match (F3)"));
    m_previousAction = action(tr("Previous Match"), QStringLiteral("previousLogMatch"),
                              QKeySequence::FindPrevious);
    m_previousAction->setToolTip(tr("Previous match (Shift+F3)"));
    // The Scroll Lock key, or Ctrl+Alt+L on keyboards without one (Ctrl+L is Sign In).
    m_scrollLockAction = action(tr("Scroll Lock"), QStringLiteral("logScrollLock"),
                                QKeySequence(Qt::Key_ScrollLock));
    m_scrollLockAction->setShortcuts(
        { QKeySequence(Qt::Key_ScrollLock), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_L) });
    m_scrollLockAction->setCheckable(true);
    m_scrollLockAction->setToolTip(tr("Scroll lock (Scroll Lock or Ctrl+Alt+L): off, the log follows "
                                      "new lines; scrolling up turns it on"));
    m_nextErrorAction
        = action(tr("Next Error"), QStringLiteral("nextLogError"), QKeySequence(Qt::Key_F8));
    m_nextErrorAction->setToolTip(tr("Jump to the next warning or error line (F8)"));
    m_downloadAction = action(tr("Download..."), QStringLiteral("downloadLog"), QKeySequence::Save);
    m_downloadAction->setToolTip(tr("Save the whole log of the operation to a file (Ctrl+S)"));

    m_tools->setObjectName(QStringLiteral("logTools"));
    m_tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_tools->addAction(m_previousAction);
    m_tools->addAction(m_nextAction);
    m_tools->addSeparator();
    m_tools->addAction(m_nextErrorAction);
    m_tools->addAction(m_scrollLockAction);
    m_tools->addAction(m_downloadAction);
    // The arrows read better than the names in the bar; the names stay in menus and tooltips.
    m_previousAction->setIconText(QStringLiteral("▲"));
    m_nextAction->setIconText(QStringLiteral("▼"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(m_count);
    bar->addWidget(m_tools);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_status);

    connect(m_findAction, &QAction::triggered, this, &OperationLogView::startSearch);
    connect(m_nextAction, &QAction::triggered, this, &OperationLogView::findNext);
    connect(m_previousAction, &QAction::triggered, this, &OperationLogView::findPrevious);
    connect(m_nextErrorAction, &QAction::triggered, this, &OperationLogView::nextError);
    connect(m_downloadAction, &QAction::triggered, this, &OperationLogView::download);
    connect(m_search, &QLineEdit::textChanged, this, [this] {
        updateMatches();
        showMatch(m_matches.isEmpty() ? -1 : 0);
    });
    connect(m_search, &QLineEdit::returnPressed, this, &OperationLogView::findNext);
    connect(m_scrollLockAction, &QAction::toggled, this, [this](bool locked) {
        if (!locked)
            scrollToEnd();
    });
    // Scrolling up (away from the last line) locks the view where the user put it.
    connect(m_text->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_scrolling && value < m_text->verticalScrollBar()->maximum())
            m_scrollLockAction->setChecked(true);
    });
    clear();
}

void OperationLogView::clear()
{
    ++m_generation;
    m_operationId = -1;
    m_lastId = 0;
    m_complete = false;
    m_active = false;
    m_inFlight = false;
    m_again = false;
    m_lines.clear();
    m_text->clear();
    m_scrollLockAction->setChecked(false);
    m_status->setText(tr("Select an operation to see its log."));
    updateMatches();
    m_downloadAction->setEnabled(false);
}

void OperationLogView::tail(qint64 operationId, bool active)
{
    if (operationId != m_operationId) {
        clear();
        m_operationId = operationId;
        if (operationId < 0)
            return;
        m_status->setText(tr("Reading the log..."));
    }
    m_downloadAction->setEnabled(true);
    m_active = active;
    if (m_complete && !active)
        return; // a finished operation writes no more lines
    fetch();
}

void OperationLogView::fetch()
{
    if (m_inFlight) { // one request at a time; ask again once it answers
        m_again = true;
        return;
    }
    m_inFlight = true;
    const bool wasActive = m_active;
    const quint64 generation = m_generation;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("after"), QString::number(m_lastId));
    query.addQueryItem(QStringLiteral("limit"), QString::number(kPageSize));
    m_client->list(
        QStringLiteral("/api/sync-operations/%1/logs").arg(m_operationId), query, this,
        [this, wasActive, generation](const QJsonArray &items, const ApiResult &last) {
            if (generation != m_generation)
                return; // another operation is shown now
            m_inFlight = false;
            QList<Line> added;
            for (const Line &line : linesOf(items)) {
                if (line.id > m_lastId)
                    added << line;
            }
            append(added);
            if (last.ok()) {
                m_complete = !wasActive;
                m_status->setText(m_active ? tr("%n line(s); following the running operation",
                                                nullptr, int(m_lines.size()))
                                           : tr("%n line(s)", nullptr, int(m_lines.size())));
            } else {
                m_status->setText(tr("The log could not be read: %1").arg(last.error.message()));
            }
            emit fetched(last.ok(), int(added.size()));
            if (m_again) {
                m_again = false;
                fetch();
            }
        });
}

void OperationLogView::append(const QList<Line> &lines)
{
    if (lines.isEmpty())
        return;
    const bool follow = !m_scrollLockAction->isChecked();
    const int value = m_text->verticalScrollBar()->value();
    m_scrolling = true;
    QStringList texts;
    for (const Line &line : lines)
        texts << displayText(line);
    m_text->appendPlainText(texts.join(QLatin1Char('\n'))); // keeps the cursor and the scroll
    m_lines += lines;
    m_lastId = lines.last().id;
    if (follow)
        m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    else
        m_text->verticalScrollBar()->setValue(value);
    m_scrolling = false;
    const int current = m_current;
    updateMatches();
    if (current >= 0 && current < m_matches.size())
        m_current = current; // a new line does not move the search
    updateSelections();
}

int OperationLogView::currentLine() const
{
    return m_text->textCursor().blockNumber();
}

bool OperationLogView::isFollowing() const
{
    return !m_scrollLockAction->isChecked();
}

void OperationLogView::scrollToEnd()
{
    m_scrolling = true;
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    m_scrolling = false;
}

void OperationLogView::startSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void OperationLogView::updateMatches()
{
    m_matches.clear();
    m_current = -1;
    const QString needle = m_search->text();
    if (!needle.isEmpty()) {
        const QString all = m_text->toPlainText();
        for (qsizetype at = all.indexOf(needle, 0, Qt::CaseInsensitive); at >= 0;
             at = all.indexOf(needle, at + needle.size(), Qt::CaseInsensitive))
            m_matches << qMakePair(int(at), int(needle.size()));
    }
    updateSelections();
}

void OperationLogView::showMatch(int index)
{
    m_current = index;
    if (index >= 0 && index < m_matches.size()) {
        QTextCursor cursor(m_text->document());
        cursor.setPosition(m_matches.at(index).first);
        cursor.setPosition(m_matches.at(index).first + m_matches.at(index).second,
                           QTextCursor::KeepAnchor);
        m_text->setTextCursor(cursor);
        // Looking at a match is looking back: the view stays where the match is.
        m_scrollLockAction->setChecked(true);
        m_text->ensureCursorVisible();
    }
    updateSelections();
}

void OperationLogView::findNext()
{
    if (m_matches.isEmpty())
        return;
    showMatch((m_current + 1) % int(m_matches.size()));
}

void OperationLogView::findPrevious()
{
    if (m_matches.isEmpty())
        return;
    showMatch((m_current - 1 + int(m_matches.size())) % int(m_matches.size()));
}

void OperationLogView::nextError()
{
    const int from = m_text->textCursor().hasSelection() || m_text->textCursor().blockNumber() > 0
        ? currentLine() + 1
        : 0;
    for (int step = 0; step < m_lines.size(); ++step) {
        const int index = (from + step) % int(m_lines.size());
        if (m_lines.at(index).level == QLatin1String("info"))
            continue;
        const QTextBlock block = m_text->document()->findBlockByNumber(index);
        QTextCursor cursor(block);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        m_text->setTextCursor(cursor);
        m_scrollLockAction->setChecked(true);
        m_text->ensureCursorVisible();
        m_status->setText(tr("Line %1 of %2: %3")
                              .arg(index + 1)
                              .arg(m_lines.size())
                              .arg(m_lines.at(index).level));
        return;
    }
    m_status->setText(tr("No warning or error in the log."));
}

void OperationLogView::updateSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    // Warning and error lines are tinted; the tints read on the light and the dark palette.
    for (int i = 0; i < m_lines.size(); ++i) {
        const QString &level = m_lines.at(i).level;
        if (level == QLatin1String("info"))
            continue;
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(m_text->document()->findBlockByNumber(i));
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selection.format.setBackground(level == QLatin1String("error") ? QColor(231, 76, 60, 70)
                                                                       : QColor(241, 196, 15, 60));
        selections << selection;
    }
    for (int i = 0; i < m_matches.size(); ++i) {
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(m_text->document());
        selection.cursor.setPosition(m_matches.at(i).first);
        selection.cursor.setPosition(m_matches.at(i).first + m_matches.at(i).second,
                                     QTextCursor::KeepAnchor);
        selection.format.setBackground(i == m_current ? QColor(255, 140, 0) : QColor(255, 221, 87));
        selection.format.setForeground(Qt::black);
        selections << selection;
    }
    m_text->setExtraSelections(selections);
    if (m_search->text().isEmpty())
        m_count->clear();
    else if (m_matches.isEmpty())
        m_count->setText(tr("no match"));
    else
        m_count->setText(
            tr("%1 of %2").arg(m_current < 0 ? 0 : m_current + 1).arg(m_matches.size()));
    m_nextAction->setEnabled(!m_matches.isEmpty());
    m_previousAction->setEnabled(!m_matches.isEmpty());
}

QString OperationLogView::fileText(const QList<Line> &lines)
{
    QString text;
    for (const Line &line : lines)
        text += QStringLiteral("%1 %2 %3\n")
                    .arg(line.createdAt, line.level.toUpper().leftJustified(7), line.text);
    return text;
}

void OperationLogView::download()
{
    if (m_operationId < 0)
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Download Operation Log"), QStringLiteral("operation-%1.log").arg(m_operationId),
        tr("Log files (*.log);;Text files (*.txt)"));
    if (path.isEmpty())
        return;
    downloadTo(path, [this](bool, const QString &message) { m_status->setText(message); });
}

void OperationLogView::downloadTo(const QString &path,
                                  const std::function<void(bool, const QString &)> &done)
{
    const qint64 id = m_operationId;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(kPageSize));
    m_client->list(
        QStringLiteral("/api/sync-operations/%1/logs").arg(id), query, this,
        [this, path, id, done](const QJsonArray &items, const ApiResult &last) {
            bool ok = last.ok();
            QString message;
            if (!ok) {
                message = tr("The log could not be read: %1").arg(last.error.message());
            } else {
                QFile file(path);
                ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)
                    && file.write(fileText(linesOf(items)).toUtf8()) >= 0 && file.flush();
                message = ok
                    ? tr("Saved %n line(s) of operation %1 to %2.", nullptr, int(items.size()))
                          .arg(id)
                          .arg(path)
                    : tr("Could not write %1.").arg(path);
            }
            done(ok, message);
            emit downloaded(ok, message);
        },
        100000); // every page: 500 lines each
}

} // namespace tf::console
