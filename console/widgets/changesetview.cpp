#include "changesetview.h"

#include <QColor>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMap>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

constexpr int MarkedRole = Qt::UserRole + 1;

// A value as the change set formats it: strings as they are (exact decimals and times), null
// as "NULL", numbers and booleans as JSON writes them.
QString valueText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("NULL");
    if (value.isString())
        return value.toString();
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    // A number or a boolean: JSON's own text (no rounding to a display precision).
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

QTableWidgetItem *cell(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setToolTip(text);
    return item;
}

QTableWidgetItem *marked(const QString &text, const QColor &tint)
{
    QTableWidgetItem *item = cell(text);
    item->setBackground(tint);
    item->setData(MarkedRole, true);
    QFont font = item->font();
    font.setBold(true);
    item->setFont(font);
    return item;
}

} // namespace

ChangeSetView::ChangeSetView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    setObjectName(QStringLiteral("changeSetView"));
    m_summary->setObjectName(QStringLiteral("changeSetSummary"));
    m_summary->setAccessibleName(tr("Change set summary"));
    m_summary->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("changeSet"));
    m_table->setAccessibleName(tr("Change set of the dry run"));
    m_table->setHorizontalHeaderLabels(
        { tr("Action"), tr("Entity"), tr("Key"), tr("Field"), tr("Before"), tr("After") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
}

void ChangeSetView::setChanges(const QJsonArray &changes, const QString &note)
{
    m_table->setRowCount(0);
    if (changes.isEmpty()) {
        m_summary->setText(note);
        return;
    }
    // The tints read on both palettes: translucent over the base colour.
    const QColor beforeTint(231, 76, 60, 60);
    const QColor afterTint(46, 204, 113, 70);
    QMap<QString, int> counts;
    int rows = 0;
    const auto addRow
        = [&](const QString &kind, const QString &entity, const QString &key,
              QTableWidgetItem *field, QTableWidgetItem *before, QTableWidgetItem *after) {
              m_table->setRowCount(rows + 1);
              m_table->setItem(rows, ActionColumn, cell(kind));
              m_table->setItem(rows, EntityColumn, cell(entity));
              m_table->setItem(rows, KeyColumn, cell(key));
              m_table->setItem(rows, FieldColumn, field);
              m_table->setItem(rows, BeforeColumn, before);
              m_table->setItem(rows, AfterColumn, after);
              ++rows;
          };
    m_table->setUpdatesEnabled(false);
    for (const QJsonValue &value : changes) {
        const QJsonObject change = value.toObject();
        const QString kind = change.value(QLatin1String("kind")).toString();
        const QString entity = change.value(QLatin1String("entity")).toString();
        const QString key = change.value(QLatin1String("key")).toString();
        ++counts[kind];
        if (change.contains(QLatin1String("before"))) {
            const QJsonObject before = change.value(QLatin1String("before")).toObject();
            const QJsonObject after = change.value(QLatin1String("after")).toObject();
            if (before.isEmpty()) { // the row differs in nothing the pair maps
                addRow(kind, entity, key, cell(QString()), cell(QString()),
                       cell(tr("(no mapped field changes)")));
                continue;
            }
            for (auto it = before.begin(); it != before.end(); ++it)
                addRow(kind, entity, key, cell(it.key()), marked(valueText(it.value()), beforeTint),
                       marked(valueText(after.value(it.key())), afterTint));
            continue;
        }
        const QJsonObject row = change.value(QLatin1String("row")).toObject();
        addRow(kind, entity, key, cell(QString()), cell(QString()),
               cell(row.isEmpty() ? QString() : valueText(row)));
    }
    m_table->setUpdatesEnabled(true);
    QStringList parts;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        parts << tr("%1 %2").arg(it.value()).arg(it.key());
    m_summary->setText(note.isEmpty() ? tr("%n planned change(s): %1", nullptr, int(changes.size()))
                                            .arg(parts.join(QStringLiteral(", ")))
                                      : note);
    m_table->resizeColumnsToContents();
    for (int column = 0; column < AfterColumn; ++column)
        m_table->setColumnWidth(column, qMin(m_table->columnWidth(column), 320));
}

QString ChangeSetView::summary() const
{
    return m_summary->text();
}

bool ChangeSetView::isMarked(const QTableWidget *table, int row, int column)
{
    const QTableWidgetItem *item = table->item(row, column);
    return item && item->data(MarkedRole).toBool();
}

} // namespace tf::console
