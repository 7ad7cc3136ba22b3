#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>

class QComboBox;
class QFormLayout;
class QJsonArray;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace tf::console {

class GatewayClient;

// The pair editor's systems and entities: source and target system (each with Test
// connection), the entity of each from its system's catalogue (its columns as tooltip) and the
// key columns, filled from the catalogue when left empty. Its widgets are the dialog's
// children, in rows of the dialog's form.
class PairSystemsSection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairSystemsSection)

public:
    PairSystemsSection(GatewayClient *client, QWidget *dialog);

    void addRowsTo(QFormLayout *form);
    // The systems to choose from (GET /api/systems); chooses none of them.
    void setSystems(const QJsonArray &systems);
    // A new pair: the second system as target when there is one.
    void chooseDistinctTarget();
    // Reads both systems' entities.
    void loadEntities();
    // The systems of definition and the source and target of its entity.
    void setDefinition(const QJsonObject &definition, const QJsonObject &entity);
    // Writes source_system_id and target_system_id.
    void writeSystems(QJsonObject &definition) const;
    // Writes source, target and, when it has none, a name (the source entity's).
    void writeEntity(QJsonObject &entity) const;
    // The kind of the chosen source system ("sqlserver"), or empty.
    QString sourceKind() const;
    // The widget answering entities[0].source/target[.entity|.key].
    QWidget *entityWidget(bool source, bool key) const;

signals:
    void sourceColumnsChanged(const QStringList &columns);
    // The source system changed (or was set): its kind.
    void sourceKindChanged(const QString &kind);

private:
    void loadEntities(bool source);
    void testConnection(bool source);
    void entityChosen(bool source);

    GatewayClient *m_client;
    QWidget *m_dialog;
    QHash<QString, QJsonObject> m_entities; // "source:name"/"target:name" -> entity
    QComboBox *m_sourceSystem;
    QComboBox *m_targetSystem;
    QPushButton *m_testSource;
    QPushButton *m_testTarget;
    QLabel *m_sourceTest;
    QLabel *m_targetTest;
    QComboBox *m_sourceEntity;
    QComboBox *m_targetEntity;
    QLineEdit *m_sourceKey;
    QLineEdit *m_targetKey;
};

} // namespace tf::console
