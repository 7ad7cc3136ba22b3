#pragma once

#include <QGroupBox>
#include <QJsonObject>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace tf::console {

class CronTimesPreview;
class CursorEditor;
class DeletePolicyEditor;
class DependsOnEditor;

// The pair editor's "Running" group: mode and cursor, schedule (with its next runs), batch
// size, invalid rows, delete policy and the entity's depends_on.
class PairRunSection final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairRunSection)

public:
    explicit PairRunSection(QWidget *parent = nullptr);

    // The definition's run settings; depends_on from its first entity, the others as choices.
    void setDefinition(const QJsonObject &definition);
    // Writes mode, schedule, batch_size, invalid_rows, cursor and delete_policy (each only
    // when set, as the API takes them).
    void writeDefinition(QJsonObject &definition) const;
    QStringList dependsOn() const;
    // The source entity's columns, for the cursor.
    void setColumns(const QStringList &columns);
    // The source system's kind, for the cursor kinds it offers.
    void setSourceKind(const QString &kind);

    CursorEditor *cursor() const { return m_cursor; }
    DeletePolicyEditor *deletePolicy() const { return m_deletePolicy; }
    DependsOnEditor *dependsOnEditor() const { return m_dependsOn; }

private:
    QComboBox *m_mode;
    QLineEdit *m_schedule;
    QSpinBox *m_batchSize;
    QComboBox *m_invalidRows;
    CursorEditor *m_cursor;
    CronTimesPreview *m_cronPreview;
    DeletePolicyEditor *m_deletePolicy;
    DependsOnEditor *m_dependsOn;
};

} // namespace tf::console
