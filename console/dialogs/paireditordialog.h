#pragma once

#include <QDialog>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include "widgets/mappinggrid.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace tf::console {

class FieldErrorMarks;
class GatewayClient;
class MappingPreview;
class PairRunSection;
class PairSystemsSection;
class ValidationRulesEditor;
struct ApiError;

// Creates (POST /api/sync-pairs) or edits (PUT /api/sync-pairs/{id} with If-Match) a sync
// pair of one entity: systems (with Test connection), entities from the systems' catalogues,
// keys, a field-mapping grid, validation rules, mode and cursor, schedule (with its next runs),
// batch size, invalid rows, delete policy and the entity's depends_on; Test pair previews the
// first rows as edited. Keys the form does not show are kept, so an unchanged pair saves the
// very body it was loaded with. A 422 marks each field it names (red frame and tooltip) and
// keeps the dialog open; a 412 offers a reload.
class PairEditorDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairEditorDialog)

public:
    enum MappingColumn {
        TargetColumn = MappingGrid::TargetColumn,
        SourceColumn = MappingGrid::SourceColumn,
        TransformColumn = MappingGrid::TransformColumn,
        MappingColumnCount = MappingGrid::ColumnCount
    };

    // pairId 0 creates a pair.
    PairEditorDialog(GatewayClient *client, qint64 pairId, QWidget *parent = nullptr);

    qint64 pairId() const { return m_pairId; }
    bool isLoaded() const { return m_loaded; }
    bool isDirty() const;
    // The definition the form holds, as the API takes it.
    QJsonObject definition() const;
    void setDefinition(const QJsonObject &definition);
    // Widgets marked by the last 422, by the field path they answer.
    QStringList invalidFields() const;
    QWidget *widgetForField(const QString &field) const;
    void addMappingRow(const QString &target = {}, const QString &source = {}, const QString &transform = {});

    // "trim | upper | round(4)" <-> [trim, upper, {fn: round, args: [4]}]
    static QString transformText(const QJsonArray &transform);
    static QJsonArray parseTransform(const QString &text);
    static QStringList transformFunctions();

public slots:
    void save();
    void reload();
    void reject() override;

signals:
    void loaded();
    void saved(const QJsonObject &pair);
    // A save was refused: the HTTP status and the message shown.
    void saveFailed(int status, const QString &message);

private:
    void buildForm();
    void loadSystems();
    void loadPair();
    void showErrors(const ApiError &error, const QString &headline = {});
    void clearErrors();
    QWidget *buildRunForm();

    GatewayClient *m_client;
    qint64 m_pairId;
    QByteArray m_etag;
    QJsonObject m_initial; // the definition as loaded (or the empty form)
    QJsonObject m_loadedDefinition; // kept for keys the form does not edit
    FieldErrorMarks *m_marks = nullptr;
    bool m_loaded = false;
    bool m_saving = false;

    QLineEdit *m_name;
    QLineEdit *m_description;
    PairSystemsSection *m_systems;
    MappingGrid *m_mappingGrid;
    QTableWidget *m_mapping;
    PairRunSection *m_run;
    ValidationRulesEditor *m_rules;
    MappingPreview *m_preview;
    QLabel *m_summary;
    QPushButton *m_reload;
    QDialogButtonBox *m_buttons;
};

} // namespace tf::console
