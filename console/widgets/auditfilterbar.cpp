#include "auditfilterbar.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QToolButton>

namespace tf::console {

namespace {
const QString kSettingsGroup = QStringLiteral("audit/filter/");
const QString kCreatedAfter = QStringLiteral("created_after");
const QString kCreatedBefore = QStringLiteral("created_before");
const QString kSeverity = QStringLiteral("severity");
} // namespace

AuditFilterBar::AuditFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_fromSet(new QCheckBox(tr("From"), this))
    , m_from(new QDateTimeEdit(this))
    , m_toSet(new QCheckBox(tr("Before"), this))
    , m_to(new QDateTimeEdit(this))
    , m_severity(new QComboBox(this))
    , m_apply(new QAction(tr("&Apply filters"), this))
    , m_clear(new QAction(tr("C&lear filters"), this))
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto [check, edit, name, start] : { std::tuple { m_fromSet, m_from, tr("Created at or after (UTC)"), now.addDays(-7) },
                                             std::tuple { m_toSet, m_to, tr("Created before (UTC)"), now } }) {
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
        edit->setDateTime(start);
        edit->setEnabled(false);
        edit->setAccessibleName(name);
        check->setAccessibleName(name);
        connect(check, &QCheckBox::toggled, edit, &QWidget::setEnabled);
    }
    m_from->setObjectName(QStringLiteral("auditFrom"));
    m_to->setObjectName(QStringLiteral("auditBefore"));
    m_fromSet->setObjectName(QStringLiteral("auditFromSet"));
    m_toSet->setObjectName(QStringLiteral("auditBeforeSet"));
    grid->addWidget(m_fromSet, 0, 0);
    grid->addWidget(m_from, 0, 1);
    grid->addWidget(m_toSet, 1, 0);
    grid->addWidget(m_to, 1, 1);

    auto *resultLabel = new QLabel(tr("Result"), this);
    m_severity->setObjectName(QStringLiteral("auditSeverity"));
    m_severity->setAccessibleName(tr("Result (severity)"));
    m_severity->addItem(tr("Any"), QString());
    for (const QString &severity : { QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error"), QStringLiteral("critical") })
        m_severity->addItem(severity, severity);
    resultLabel->setBuddy(m_severity);
    grid->addWidget(resultLabel, 0, 2);
    grid->addWidget(m_severity, 0, 3);

    struct Field { const char *parameter; QString label; QString placeholder; int row; int column; };
    const QList<Field> fields { { "username", tr("User"), tr("username"), 1, 2 },
                                { "event_type", tr("Action"), tr("e.g. sync_pair.updated"), 0, 4 },
                                { "resource_type", tr("Target type"), tr("e.g. sync_pair"), 1, 4 },
                                { "resource_id", tr("Target id"), tr("id"), 0, 6 },
                                { "text", tr("Text"), tr("in the description"), 1, 6 } };
    for (const Field &field : fields) {
        QLineEdit *edit = addText(QLatin1String(field.parameter), field.label, field.placeholder);
        auto *label = new QLabel(field.label, this);
        label->setBuddy(edit);
        grid->addWidget(label, field.row, field.column);
        grid->addWidget(edit, field.row, field.column + 1);
    }
    grid->setColumnStretch(5, 1);
    grid->setColumnStretch(7, 1);

    m_apply->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_apply->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backspace));
    m_clear->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_apply);
    addAction(m_clear);
    connect(m_apply, &QAction::triggered, this, &AuditFilterBar::apply);
    connect(m_clear, &QAction::triggered, this, [this] { setQuery({}); });
    auto *applyButton = new QToolButton(this);
    applyButton->setDefaultAction(m_apply);
    applyButton->setAccessibleName(tr("Apply filters"));
    auto *clearButton = new QToolButton(this);
    clearButton->setDefaultAction(m_clear);
    clearButton->setAccessibleName(tr("Clear filters"));
    grid->addWidget(applyButton, 0, 8);
    grid->addWidget(clearButton, 1, 8);
    connect(m_severity, &QComboBox::activated, this, &AuditFilterBar::apply);
    restore();
}

QLineEdit *AuditFilterBar::addText(const QString &parameter, const QString &label, const QString &placeholder)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(QStringLiteral("audit_") + parameter);
    edit->setAccessibleName(label);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    connect(edit, &QLineEdit::returnPressed, this, &AuditFilterBar::apply);
    m_texts.append({ parameter, edit });
    return edit;
}

QUrlQuery AuditFilterBar::query() const
{
    QUrlQuery query;
    if (m_fromSet->isChecked())
        query.addQueryItem(kCreatedAfter, m_from->dateTime().toUTC().toString(Qt::ISODate));
    if (m_toSet->isChecked())
        query.addQueryItem(kCreatedBefore, m_to->dateTime().toUTC().toString(Qt::ISODate));
    if (!m_severity->currentData().toString().isEmpty())
        query.addQueryItem(kSeverity, m_severity->currentData().toString());
    for (const auto &[parameter, edit] : m_texts) {
        const QString value = edit->text().trimmed();
        if (!value.isEmpty()) // QUrlQuery would read a literal '+' as a space: encode it
            query.addQueryItem(parameter, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    return query;
}

void AuditFilterBar::setQuery(const QUrlQuery &query)
{
    fill([&query](const QString &parameter) { return query.queryItemValue(parameter, QUrl::FullyDecoded); });
    apply();
}

void AuditFilterBar::fill(const std::function<QString(const QString &parameter)> &valueOf)
{
    for (auto [parameter, check, edit] : { std::tuple { kCreatedAfter, m_fromSet, m_from }, std::tuple { kCreatedBefore, m_toSet, m_to } }) {
        const QDateTime at = QDateTime::fromString(valueOf(parameter), Qt::ISODate);
        check->setChecked(at.isValid());
        if (at.isValid())
            edit->setDateTime(at.toUTC());
    }
    m_severity->setCurrentIndex(qMax(0, m_severity->findData(valueOf(kSeverity))));
    for (const auto &[parameter, edit] : m_texts)
        edit->setText(valueOf(parameter));
}

void AuditFilterBar::apply()
{
    save();
    emit filterChanged(query());
}

void AuditFilterBar::save() const
{
    QSettings settings;
    const QUrlQuery current = query();
    for (const QString &parameter : { kCreatedAfter, kCreatedBefore, kSeverity })
        settings.setValue(kSettingsGroup + parameter, current.queryItemValue(parameter, QUrl::FullyDecoded));
    for (const auto &[parameter, edit] : m_texts)
        settings.setValue(kSettingsGroup + parameter, edit->text().trimmed());
}

void AuditFilterBar::restore()
{
    const QSettings settings;
    fill([&settings](const QString &parameter) { return settings.value(kSettingsGroup + parameter).toString(); });
}

} // namespace tf::console
