#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLineEdit;

namespace tf::console {

// The pair's "delete_policy" in the pair editor: what happens to a target row whose source
// row is gone (propagate, soft_delete, ignore), and for soft_delete the target's flag column
// (enabled only then). Propagate without a column is the default and gives no key at all;
// unchanged since setPolicy(), the object as it was given.
class DeletePolicyEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeletePolicyEditor)

public:
    explicit DeletePolicyEditor(QWidget *parent = nullptr);

    QJsonObject policy() const;
    void setPolicy(const QJsonObject &policy);

    QComboBox *actionCombo() const { return m_action; }
    QLineEdit *columnEdit() const { return m_column; }

private:
    QComboBox *m_action;
    QLineEdit *m_column;
    QJsonObject m_original;
};

} // namespace tf::console
