#pragma once

#include <QGroupBox>
#include <QJsonArray>
#include <QJsonObject>
#include <functional>

class QAction;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace tf::console {

class GatewayClient;
struct ApiError;

// "Test pair" in the pair editor: POST /api/sync-pairs/preview with the definition as it is
// edited (not saved), then the first rows of the entity as the mapping and the transforms
// make them, one row per source row, with the validation outcome (valid, or the rules that
// failed) in the last column and invalid rows tinted. The server writes nothing.
class MappingPreview final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MappingPreview)

public:
    using DefinitionSource = std::function<QJsonObject()>;

    MappingPreview(GatewayClient *client, DefinitionSource definition, QWidget *parent = nullptr);

    QAction *testAction() const { return m_testAction; }
    QTableWidget *table() const { return m_table; }
    // The entity whose rows are shown (the pair editor edits one).
    void setEntity(const QString &name) { m_entity = name; }

public slots:
    void testPair();

signals:
    // The rows are shown.
    void previewed(const QJsonObject &answer);
    // The server refused the definition (its fields are in error.errors) or could not answer.
    void refused(const ApiError &error);

private:
    void showRows(const QJsonObject &answer);

    GatewayClient *m_client;
    DefinitionSource m_definition;
    QString m_entity;
    QAction *m_testAction;
    QPushButton *m_testButton;
    QSpinBox *m_limit;
    QLabel *m_status;
    QTableWidget *m_table;
    bool m_running = false;
};

} // namespace tf::console
