#include "pairsystemssection.h"

#include "client/gatewayclient.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace tf::console {

namespace {

constexpr int KindRole = Qt::UserRole + 1;

QJsonArray splitKey(const QString &text)
{
    QJsonArray keys;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            keys << part.trimmed();
    }
    return keys;
}

QString keyText(const QJsonValue &key)
{
    QStringList parts;
    for (const QJsonValue &value : key.toArray())
        parts << value.toString();
    return parts.join(QStringLiteral(", "));
}

void selectSystem(QComboBox *combo, qint64 id)
{
    const QSignalBlocker blocker(combo);
    const int index = combo->findData(id);
    if (index >= 0)
        combo->setCurrentIndex(index);
}

} // namespace

PairSystemsSection::PairSystemsSection(GatewayClient *client, QWidget *dialog)
    : QObject(dialog)
    , m_client(client)
    , m_dialog(dialog)
{
    const auto named = [](QWidget *widget, const QString &name, const QString &accessible) {
        widget->setObjectName(name);
        widget->setAccessibleName(accessible);
    };
    m_sourceSystem = new QComboBox(dialog);
    named(m_sourceSystem, QStringLiteral("sourceSystemCombo"), tr("Source system"));
    m_targetSystem = new QComboBox(dialog);
    named(m_targetSystem, QStringLiteral("targetSystemCombo"), tr("Target system"));
    m_testSource = new QPushButton(tr("Test connection"), dialog);
    named(m_testSource, QStringLiteral("testSourceButton"), tr("Test the source connection"));
    m_testTarget = new QPushButton(tr("Test connection"), dialog);
    named(m_testTarget, QStringLiteral("testTargetButton"), tr("Test the target connection"));
    m_sourceTest = new QLabel(dialog);
    m_sourceTest->setObjectName(QStringLiteral("sourceTestResult"));
    m_targetTest = new QLabel(dialog);
    m_targetTest->setObjectName(QStringLiteral("targetTestResult"));
    m_sourceEntity = new QComboBox(dialog);
    m_sourceEntity->setEditable(true);
    named(m_sourceEntity, QStringLiteral("sourceEntityCombo"), tr("Source entity"));
    m_targetEntity = new QComboBox(dialog);
    m_targetEntity->setEditable(true);
    named(m_targetEntity, QStringLiteral("targetEntityCombo"), tr("Target entity"));
    m_sourceKey = new QLineEdit(dialog);
    named(m_sourceKey, QStringLiteral("sourceKeyEdit"), tr("Source key columns"));
    m_sourceKey->setPlaceholderText(tr("key columns, comma-separated"));
    m_targetKey = new QLineEdit(dialog);
    named(m_targetKey, QStringLiteral("targetKeyEdit"), tr("Target key columns"));
    m_targetKey->setPlaceholderText(tr("key columns, comma-separated"));
    m_sourceTest->setMinimumWidth(160);
    m_targetTest->setMinimumWidth(160);

    connect(m_sourceSystem, &QComboBox::currentIndexChanged, this, [this] {
        loadEntities(true);
        emit sourceKindChanged(sourceKind());
    });
    connect(m_targetSystem, &QComboBox::currentIndexChanged, this, [this] { loadEntities(false); });
    connect(m_testSource, &QPushButton::clicked, this, [this] { testConnection(true); });
    connect(m_testTarget, &QPushButton::clicked, this, [this] { testConnection(false); });
    connect(m_sourceEntity, &QComboBox::currentTextChanged, this, [this] {
        entityChosen(true);
        QStringList columns;
        for (const QJsonValue &column : m_entities.value(QStringLiteral("source:") + m_sourceEntity->currentText())
                                            .value(QLatin1String("columns")).toArray())
            columns << column[QLatin1String("name")].toString();
        emit sourceColumnsChanged(columns);
    });
    connect(m_targetEntity, &QComboBox::currentTextChanged, this, [this] { entityChosen(false); });
}

void PairSystemsSection::addRowsTo(QFormLayout *form)
{
    const auto row = [this](std::initializer_list<QWidget *> widgets) {
        auto *box = new QWidget(m_dialog);
        auto *layout = new QHBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        int i = 0;
        for (QWidget *widget : widgets)
            layout->addWidget(widget, i++ == 0 ? 1 : 0);
        return box;
    };
    form->addRow(tr("&Source system:"), row({ m_sourceSystem, m_testSource, m_sourceTest }));
    form->addRow(tr("&Target system:"), row({ m_targetSystem, m_testTarget, m_targetTest }));
    form->addRow(tr("Source &entity:"), row({ m_sourceEntity, new QLabel(tr("key:"), m_dialog), m_sourceKey }));
    form->addRow(tr("Target e&ntity:"), row({ m_targetEntity, new QLabel(tr("key:"), m_dialog), m_targetKey }));
}

void PairSystemsSection::setSystems(const QJsonArray &systems)
{
    for (QComboBox *combo : { m_sourceSystem, m_targetSystem }) {
        const QSignalBlocker blocker(combo);
        combo->clear();
        for (const QJsonValue &value : systems) {
            const QJsonObject system = value.toObject();
            combo->addItem(QStringLiteral("%1 (%2)").arg(system.value(QLatin1String("name")).toString(),
                                                        system.value(QLatin1String("kind")).toString()),
                           system.value(QLatin1String("id")).toInteger());
            combo->setItemData(combo->count() - 1, system.value(QLatin1String("kind")).toString(), KindRole);
        }
    }
    emit sourceKindChanged(sourceKind());
}

QString PairSystemsSection::sourceKind() const
{
    return m_sourceSystem->currentData(KindRole).toString();
}

void PairSystemsSection::chooseDistinctTarget()
{
    const QSignalBlocker blocker(m_targetSystem);
    m_targetSystem->setCurrentIndex(m_targetSystem->count() > 1 ? 1 : 0);
}

void PairSystemsSection::loadEntities()
{
    loadEntities(true);
    loadEntities(false);
}

void PairSystemsSection::setDefinition(const QJsonObject &definition, const QJsonObject &entity)
{
    selectSystem(m_sourceSystem, definition.value(QLatin1String("source_system_id")).toInteger());
    selectSystem(m_targetSystem, definition.value(QLatin1String("target_system_id")).toInteger());
    const QJsonObject source = entity.value(QLatin1String("source")).toObject();
    const QJsonObject target = entity.value(QLatin1String("target")).toObject();
    {
        const QSignalBlocker a(m_sourceEntity), b(m_targetEntity);
        m_sourceEntity->setCurrentText(source.value(QLatin1String("entity")).toString());
        m_targetEntity->setCurrentText(target.value(QLatin1String("entity")).toString());
    }
    m_sourceKey->setText(keyText(source.value(QLatin1String("key"))));
    m_targetKey->setText(keyText(target.value(QLatin1String("key"))));
    emit sourceKindChanged(sourceKind());
}

void PairSystemsSection::writeSystems(QJsonObject &definition) const
{
    if (m_sourceSystem->currentIndex() >= 0)
        definition.insert(QStringLiteral("source_system_id"), m_sourceSystem->currentData().toLongLong());
    if (m_targetSystem->currentIndex() >= 0)
        definition.insert(QStringLiteral("target_system_id"), m_targetSystem->currentData().toLongLong());
}

void PairSystemsSection::writeEntity(QJsonObject &entity) const
{
    const QString sourceEntity = m_sourceEntity->currentText().trimmed();
    if (!entity.contains(QLatin1String("name")) || entity.value(QLatin1String("name")).toString().isEmpty())
        entity.insert(QStringLiteral("name"), sourceEntity.isEmpty() ? QStringLiteral("entity") : sourceEntity);
    entity.insert(QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), sourceEntity },
                                                          { QStringLiteral("key"), splitKey(m_sourceKey->text()) } });
    entity.insert(QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), m_targetEntity->currentText().trimmed() },
                                                          { QStringLiteral("key"), splitKey(m_targetKey->text()) } });
}

QWidget *PairSystemsSection::entityWidget(bool source, bool key) const
{
    if (key)
        return source ? m_sourceKey : m_targetKey;
    return source ? m_sourceEntity : m_targetEntity;
}

void PairSystemsSection::entityChosen(bool source)
{
    QComboBox *combo = source ? m_sourceEntity : m_targetEntity;
    QLineEdit *key = source ? m_sourceKey : m_targetKey;
    const QJsonObject entity = m_entities.value((source ? QStringLiteral("source:") : QStringLiteral("target:")) + combo->currentText());
    if (!entity.isEmpty() && key->text().isEmpty())
        key->setText(keyText(entity.value(QLatin1String("key"))));
}

void PairSystemsSection::loadEntities(bool source)
{
    QComboBox *systemCombo = source ? m_sourceSystem : m_targetSystem;
    QComboBox *entityCombo = source ? m_sourceEntity : m_targetEntity;
    const qint64 system = systemCombo->currentData().toLongLong();
    if (system <= 0)
        return;
    const QString prefix = source ? QStringLiteral("source:") : QStringLiteral("target:");
    m_client->list(QStringLiteral("/api/systems/%1/entities").arg(system), {}, this,
                   [this, systemCombo, entityCombo, prefix, system](const QJsonArray &items, const ApiResult &last) {
                       if (systemCombo->currentData().toLongLong() != system)
                           return; // another system was chosen meanwhile
                       if (!last.ok()) {
                           entityCombo->setToolTip(tr("Entities could not be read: %1").arg(last.error.message()));
                           return;
                       }
                       const QString current = entityCombo->currentText();
                       const QSignalBlocker blocker(entityCombo);
                       entityCombo->clear();
                       for (const QJsonValue &value : items) {
                           const QJsonObject entity = value.toObject();
                           const QString name = entity.value(QLatin1String("name")).toString();
                           m_entities.insert(prefix + name, entity);
                           QStringList columns;
                           for (const QJsonValue &column : entity.value(QLatin1String("columns")).toArray())
                               columns << column.toObject().value(QLatin1String("name")).toString();
                           entityCombo->addItem(name);
                           entityCombo->setItemData(entityCombo->count() - 1, columns.join(QStringLiteral(", ")), Qt::ToolTipRole);
                       }
                       entityCombo->setCurrentText(current);
                   });
}

void PairSystemsSection::testConnection(bool source)
{
    QLabel *result = source ? m_sourceTest : m_targetTest;
    const qint64 system = (source ? m_sourceSystem : m_targetSystem)->currentData().toLongLong();
    if (system <= 0)
        return;
    result->setText(tr("Testing…"));
    m_client->post(QStringLiteral("/api/systems/%1/test").arg(system), {}, this, [result](const ApiResult &answer) {
        if (!answer.ok()) {
            result->setText(tr("✗ %1").arg(answer.error.message()));
            return;
        }
        const QJsonObject finding = answer.object();
        if (finding.value(QLatin1String("ok")).toBool())
            result->setText(tr("✓ %n entities, %1 ms", nullptr, int(finding.value(QLatin1String("entities_count")).toInteger()))
                                    .arg(finding.value(QLatin1String("elapsed_ms")).toInteger()));
        else
            result->setText(tr("✗ %1").arg(finding.value(QLatin1String("error")).toString()));
        result->setToolTip(result->text());
    });
}

} // namespace tf::console
