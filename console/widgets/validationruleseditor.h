#pragma once

#include <QGroupBox>
#include <QJsonArray>
#include <QJsonObject>

class QFrame;
class QPushButton;
class QTableWidget;

namespace tf::console {

// The "Validation rules" box of the pair editor: one row a rule of the entity's "validation"
// array (shared/sync/validation/validationplan.h): target field, rule, its arguments as one
// line and the optional message. Arguments by rule: type and pattern take the value as typed;
// min/max_length a count; min/max_value a number (other text, e.g. "100000.00" or a date, is
// sent as text, exact); enum its values, comma-separated; reference "entity.column";
// required and unique nothing. A row left as loaded gives back the rule exactly as loaded
// (JSON types and keys this form does not show included).
class ValidationRulesEditor final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValidationRulesEditor)

public:
    enum Column { FieldColumn, RuleColumn, ArgumentsColumn, MessageColumn, ColumnCount };

    explicit ValidationRulesEditor(QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    // The frame around the table ("validationFrame"); it carries the table's red border.
    QFrame *frame() const { return m_frame; }
    void addRule(const QString &field = {}, const QString &rule = QStringLiteral("required"),
                 const QString &arguments = {}, const QString &message = {});
    QJsonArray rules() const;
    void setRules(const QJsonArray &rules);
    // Marks the cell of validation[row].part ("field", "rule", "message" or an argument key).
    void markCell(int row, const QString &part, const QString &message);
    void clearCellMarks();

    static QStringList ruleNames();
    // The arguments cell of a rule, and the rule's arguments from that text.
    static QString argumentsText(const QJsonObject &rule);
    static QJsonObject parseArguments(const QString &rule, const QString &text);

private:
    QJsonObject ruleAt(int row) const;

    QTableWidget *m_table;
    QFrame *m_frame;
    QPushButton *m_add;
    QPushButton *m_remove;
};

} // namespace tf::console
