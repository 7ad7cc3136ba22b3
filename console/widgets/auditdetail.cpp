#include "auditdetail.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {
QString valueText(const QJsonValue &value)
{
    if (value.isUndefined())
        return {};
    if (value.isString())
        return value.toString();
    if (value.isNull())
        return QStringLiteral("null");
    if (value.isObject() || value.isArray())
        return QString::fromUtf8(value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                                                  : QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

const char *const kFields[][2] = {
    { "id", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Entry") },
    { "timestamp", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Time (UTC)") },
    { "username", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "User") },
    { "event_type", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Action") },
    { "severity", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Result") },
    { "resource_type", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Target type") },
    { "resource_id", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Target id") },
    { "correlation_id", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Request id") },
    { "ip_address", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Source address") },
    { "user_agent", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "User agent") },
    { "entry_hash", QT_TRANSLATE_NOOP("tf::console::AuditDetail", "Entry hash") },
};
} // namespace

AuditDetail::AuditDetail(QWidget *parent)
    : QWidget(parent)
    , m_broken(new QLabel(this))
    , m_title(new QLabel(this))
    , m_form(new QFormLayout)
    , m_diff(new QTreeWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    m_broken->setObjectName(QStringLiteral("auditBroken"));
    m_broken->setWordWrap(true);
    m_broken->setStyleSheet(QStringLiteral("QLabel { background: #b3261e; color: white; padding: 6px; font-weight: bold; }"));
    m_broken->hide();
    layout->addWidget(m_broken);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    layout->addWidget(m_title);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const auto &field : kFields) {
        auto *value = new QLabel(this);
        value->setObjectName(QStringLiteral("audit_detail_") + QLatin1String(field[0]));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        value->setAccessibleName(tr(field[1]));
        m_form->addRow(tr(field[1]), value);
    }
    layout->addLayout(m_form);
    m_diff->setObjectName(QStringLiteral("auditDiff"));
    m_diff->setAccessibleName(tr("Changes: before and after, field by field"));
    m_diff->setRootIsDecorated(false);
    m_diff->setHeaderLabels({ tr("Field"), tr("Before"), tr("After") });
    m_diff->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_diff->setColumnWidth(0, 140);
    m_diff->setColumnWidth(1, 160);
    layout->addWidget(m_diff, 1);
    layout->addStretch(); // takes the room when there is no diff to show
    m_broken->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    setEntry({});
}

QStringList AuditDetail::changedFields(const QJsonObject &before, const QJsonObject &after)
{
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    QStringList changed;
    for (const QString &key : std::as_const(keys))
        if (before.value(key) != after.value(key))
            changed << key;
    changed.sort();
    return changed;
}

void AuditDetail::setEntry(const QJsonObject &entry)
{
    m_entry = entry;
    m_title->setText(entry.isEmpty() ? tr("Select an entry to see what it changed.")
                                     : entry.value(QLatin1String("description")).toString());
    for (int row = 0; row < m_form->rowCount(); ++row) {
        auto *value = qobject_cast<QLabel *>(m_form->itemAt(row, QFormLayout::FieldRole)->widget());
        value->setText(valueText(entry.value(QLatin1String(kFields[row][0]))));
    }
    m_diff->clear();
    const QJsonObject before = entry.value(QLatin1String("previous_state")).toObject();
    const QJsonObject after = entry.value(QLatin1String("new_state")).toObject();
    const QStringList changed = changedFields(before, after);
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    const QColor changedBackground(255, 200, 40, 70); // reads on light and dark palettes
    for (const QString &key : std::as_const(keys)) {
        auto *item = new QTreeWidgetItem(m_diff, { key, valueText(before.value(key)), valueText(after.value(key)) });
        if (changed.contains(key)) {
            item->setText(0, QStringLiteral("● ") + key);
            item->setData(0, Qt::UserRole, true);
            item->setToolTip(0, tr("Changed"));
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int column = 0; column < 3; ++column) {
                item->setFont(column, bold);
                item->setBackground(column, changedBackground);
            }
        } else {
            item->setData(0, Qt::UserRole, false);
        }
        item->setToolTip(1, item->text(1));
        item->setToolTip(2, item->text(2));
    }
    m_diff->setVisible(!keys.isEmpty());
    showBroken();
}

void AuditDetail::setBroken(qint64 id, const QString &problem)
{
    m_brokenId = id;
    m_problem = problem;
    showBroken();
}

void AuditDetail::showBroken()
{
    const bool broken = m_brokenId > 0 && m_entry.value(QLatin1String("id")).toInteger() == m_brokenId;
    m_broken->setText(broken ? tr("The hash chain breaks at this entry: %1").arg(m_problem) : QString());
    m_broken->setVisible(broken);
}

} // namespace tf::console
