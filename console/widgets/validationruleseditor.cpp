#include "validationruleseditor.h"
#include "widgets/tablerows.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

const QString FieldKey = QStringLiteral("field");
const QString RuleKey = QStringLiteral("rule");
const QString MessageKey = QStringLiteral("message");
const QString ValueKey = QStringLiteral("value");
const QString ValuesKey = QStringLiteral("values");
constexpr int OriginalRole = Qt::UserRole + 1; // the rule as loaded, on the field cell

class RuleDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &,
                          const QModelIndex &) const override
    {
        auto *combo = new QComboBox(parent);
        combo->addItems(ValidationRulesEditor::ruleNames());
        combo->setAccessibleName(ValidationRulesEditor::tr("Rule"));
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        static_cast<QComboBox *>(editor)->setCurrentText(index.data().toString());
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentText());
    }
};

QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    const QString text
        = QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact));
    return text.mid(1, text.size() - 2);
}

} // namespace

QStringList ValidationRulesEditor::ruleNames()
{
    // docs/sync-engine.md, Validation rules.
    return { QStringLiteral("required"),   QStringLiteral("type"),
             QStringLiteral("min_length"), QStringLiteral("max_length"),
             QStringLiteral("min_value"),  QStringLiteral("max_value"),
             QStringLiteral("pattern"),    QStringLiteral("enum"),
             QStringLiteral("unique"),     QStringLiteral("reference") };
}

QString ValidationRulesEditor::argumentsText(const QJsonObject &rule)
{
    const QString name = rule.value(RuleKey).toString();
    if (name == QLatin1String("enum")) {
        QStringList values;
        for (const QJsonValue &value : rule.value(ValuesKey).toArray())
            values << scalarText(value);
        return values.join(QStringLiteral(", "));
    }
    if (name == QLatin1String("reference"))
        return rule.value(QLatin1String("entity")).toString() + QLatin1Char('.')
            + rule.value(QLatin1String("column")).toString();
    return rule.contains(ValueKey) ? scalarText(rule.value(ValueKey)) : QString();
}

QJsonObject ValidationRulesEditor::parseArguments(const QString &rule, const QString &text)
{
    const QString trimmed = text.trimmed();
    if (rule == QLatin1String("required") || rule == QLatin1String("unique"))
        return {};
    if (rule == QLatin1String("enum")) {
        QJsonArray values;
        for (const QString &value : trimmed.split(QLatin1Char(','), Qt::SkipEmptyParts))
            values.append(value.trimmed());
        return { { ValuesKey, values } };
    }
    if (rule == QLatin1String("reference")) {
        const qsizetype dot = trimmed.lastIndexOf(QLatin1Char('.'));
        return { { QStringLiteral("entity"), dot < 0 ? trimmed : trimmed.left(dot) },
                 { QStringLiteral("column"), dot < 0 ? QString() : trimmed.mid(dot + 1) } };
    }
    bool isInteger = false;
    const qint64 integer = trimmed.toLongLong(&isInteger);
    if (rule == QLatin1String("min_length") || rule == QLatin1String("max_length")
        || rule == QLatin1String("min_value") || rule == QLatin1String("max_value"))
        return { { ValueKey,
                   isInteger ? QJsonValue(integer) : QJsonValue(trimmed) } }; // text stays exact
    return { { ValueKey, trimmed } };
}

ValidationRulesEditor::ValidationRulesEditor(QWidget *parent)
    : QGroupBox(tr("Validation rules"), parent)
{
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("validationTable"));
    m_table->setAccessibleName(tr("Validation rules"));
    m_table->setHorizontalHeaderLabels(
        { tr("Target field"), tr("Rule"), tr("Arguments"), tr("Message (optional)") });
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(FieldColumn, 150);
    m_table->setColumnWidth(RuleColumn, 110);
    m_table->setColumnWidth(ArgumentsColumn, 170);
    m_table->verticalHeader()->setDefaultSectionSize(24);
    m_table->setItemDelegateForColumn(RuleColumn, new RuleDelegate(m_table));
    m_table->setToolTip(
        tr("Arguments: type: string, integer, float, decimal, boolean, date or email; "
           "min/max_length: a count; min/max_value: a number or date; pattern: a regular "
           "expression; enum: values, comma-separated; reference: entity.column"));
    m_add = new QPushButton(tr("Add R&ule"), this);
    m_add->setObjectName(QStringLiteral("addRuleButton"));
    m_add->setAccessibleName(tr("Add a validation rule"));
    m_remove = new QPushButton(tr("Remove Rul&e"), this);
    m_remove->setObjectName(QStringLiteral("removeRuleButton"));
    m_remove->setAccessibleName(tr("Remove the selected validation rules"));
    connect(m_add, &QPushButton::clicked, this, [this] {
        addRule();
        m_table->editItem(m_table->item(m_table->rowCount() - 1, FieldColumn));
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        removeSelectedRows(m_table);
    });

    auto *layout = new QVBoxLayout(this);
    m_frame = new QFrame(this);
    m_frame->setObjectName(QStringLiteral("validationFrame"));
    auto *frameLayout = new QVBoxLayout(m_frame);
    frameLayout->setContentsMargins(2, 2, 2, 2);
    frameLayout->addWidget(m_table);
    layout->addWidget(m_frame, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    layout->addLayout(buttons);
}

void ValidationRulesEditor::addRule(const QString &field, const QString &rule,
                                    const QString &arguments, const QString &message)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, FieldColumn, new QTableWidgetItem(field));
    m_table->setItem(row, RuleColumn, new QTableWidgetItem(rule));
    m_table->setItem(row, ArgumentsColumn, new QTableWidgetItem(arguments));
    m_table->setItem(row, MessageColumn, new QTableWidgetItem(message));
}

void ValidationRulesEditor::setRules(const QJsonArray &rules)
{
    m_table->setRowCount(0);
    for (const QJsonValue &value : rules) {
        const QJsonObject rule = value.toObject();
        addRule(rule.value(FieldKey).toString(), rule.value(RuleKey).toString(),
                argumentsText(rule), rule.value(MessageKey).toString());
        m_table->item(m_table->rowCount() - 1, FieldColumn)->setData(OriginalRole, rule);
    }
}

QJsonObject ValidationRulesEditor::ruleAt(int row) const
{
    const auto text = [this, row](int column) {
        const QTableWidgetItem *item = m_table->item(row, column);
        return item ? item->text().trimmed() : QString();
    };
    const QJsonObject original = m_table->item(row, FieldColumn)->data(OriginalRole).toJsonObject();
    if (!original.isEmpty() && text(FieldColumn) == original.value(FieldKey).toString()
        && text(RuleColumn) == original.value(RuleKey).toString()
        && text(ArgumentsColumn) == argumentsText(original).trimmed()
        && text(MessageColumn) == original.value(MessageKey).toString().trimmed())
        return original;
    QJsonObject rule { { FieldKey, text(FieldColumn) }, { RuleKey, text(RuleColumn) } };
    const QJsonObject arguments = parseArguments(text(RuleColumn), text(ArgumentsColumn));
    for (auto it = arguments.begin(); it != arguments.end(); ++it)
        rule.insert(it.key(), it.value());
    if (!text(MessageColumn).isEmpty())
        rule.insert(MessageKey, text(MessageColumn));
    return rule;
}

QJsonArray ValidationRulesEditor::rules() const
{
    QJsonArray rules;
    for (int row = 0; row < m_table->rowCount(); ++row)
        rules.append(ruleAt(row));
    return rules;
}

void ValidationRulesEditor::markCell(int row, const QString &part, const QString &message)
{
    const int column = part == FieldKey ? FieldColumn
        : part == RuleKey               ? RuleColumn
        : part == MessageKey            ? MessageColumn
        : part.isEmpty()                ? FieldColumn
                                        : ArgumentsColumn;
    if (QTableWidgetItem *item = m_table->item(row, column)) {
        item->setBackground(QColor(0xd3, 0x2f, 0x2f, 90));
        item->setToolTip(message);
    }
}

void ValidationRulesEditor::clearCellMarks()
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        for (int column = 0; column < ColumnCount; ++column) {
            if (QTableWidgetItem *item = m_table->item(row, column)) {
                item->setBackground(QBrush());
                item->setToolTip(QString());
            }
        }
    }
}

} // namespace tf::console
