#include "paireditordialog.h"

#include "client/gatewayclient.h"
#include "widgets/crontimespreview.h"
#include "widgets/cursoreditor.h"
#include "widgets/deletepolicyeditor.h"
#include "widgets/fielderrormarks.h"
#include "widgets/dependsoneditor.h"
#include "widgets/mappinggrid.h"
#include "widgets/mappingpreview.h"
#include "widgets/validationruleseditor.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

QStringList splitKey(const QString &text)
{
    QStringList keys;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            keys << part.trimmed();
    }
    return keys;
}

QJsonArray toArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &item : list)
        array.append(item);
    return array;
}

QString keyText(const QJsonValue &key)
{
    QStringList parts;
    for (const QJsonValue &value : key.toArray())
        parts << value.toString();
    return parts.join(QStringLiteral(", "));
}

} // namespace

QStringList PairEditorDialog::transformFunctions()
{
    return MappingGrid::transformFunctions();
}

QString PairEditorDialog::transformText(const QJsonArray &transform)
{
    return MappingGrid::transformText(transform);
}

QJsonArray PairEditorDialog::parseTransform(const QString &text)
{
    return MappingGrid::parseTransform(text);
}

PairEditorDialog::PairEditorDialog(GatewayClient *client, qint64 pairId, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_pairId(pairId)
{
    setObjectName(QStringLiteral("pairEditor"));
    setWindowTitle(pairId > 0 ? tr("Edit Sync Pair") : tr("New Sync Pair"));
    buildForm();
    resize(1240, 860);
    loadSystems();
}

void PairEditorDialog::buildForm()
{
    const auto named = [](QWidget *widget, const QString &name, const QString &accessible) {
        widget->setObjectName(name);
        widget->setAccessibleName(accessible);
    };
    m_name = new QLineEdit(this);
    named(m_name, QStringLiteral("nameEdit"), tr("Name"));
    m_description = new QLineEdit(this);
    named(m_description, QStringLiteral("descriptionEdit"), tr("Description"));
    m_sourceSystem = new QComboBox(this);
    named(m_sourceSystem, QStringLiteral("sourceSystemCombo"), tr("Source system"));
    m_targetSystem = new QComboBox(this);
    named(m_targetSystem, QStringLiteral("targetSystemCombo"), tr("Target system"));
    m_testSource = new QPushButton(tr("Test connection"), this);
    named(m_testSource, QStringLiteral("testSourceButton"), tr("Test the source connection"));
    m_testTarget = new QPushButton(tr("Test connection"), this);
    named(m_testTarget, QStringLiteral("testTargetButton"), tr("Test the target connection"));
    m_sourceTest = new QLabel(this);
    m_sourceTest->setObjectName(QStringLiteral("sourceTestResult"));
    m_targetTest = new QLabel(this);
    m_targetTest->setObjectName(QStringLiteral("targetTestResult"));
    m_sourceEntity = new QComboBox(this);
    m_sourceEntity->setEditable(true);
    named(m_sourceEntity, QStringLiteral("sourceEntityCombo"), tr("Source entity"));
    m_targetEntity = new QComboBox(this);
    m_targetEntity->setEditable(true);
    named(m_targetEntity, QStringLiteral("targetEntityCombo"), tr("Target entity"));
    m_sourceKey = new QLineEdit(this);
    named(m_sourceKey, QStringLiteral("sourceKeyEdit"), tr("Source key columns"));
    m_sourceKey->setPlaceholderText(tr("key columns, comma-separated"));
    m_targetKey = new QLineEdit(this);
    named(m_targetKey, QStringLiteral("targetKeyEdit"), tr("Target key columns"));
    m_targetKey->setPlaceholderText(tr("key columns, comma-separated"));

    m_mappingGrid = new MappingGrid(this);
    m_mapping = m_mappingGrid->table();

    m_mode = new QComboBox(this);
    named(m_mode, QStringLiteral("modeCombo"), tr("Mode"));
    m_mode->addItems({ QStringLiteral("hash"), QStringLiteral("cursor"), QStringLiteral("full") });
    m_schedule = new QLineEdit(this);
    named(m_schedule, QStringLiteral("scheduleEdit"), tr("Schedule"));
    m_schedule->setPlaceholderText(tr("cron, e.g. 0 2 * * MON-SAT; empty: manual only"));
    m_batchSize = new QSpinBox(this);
    named(m_batchSize, QStringLiteral("batchSizeSpin"), tr("Batch size"));
    m_batchSize->setRange(0, 100000);
    m_batchSize->setSpecialValueText(tr("default"));
    m_invalidRows = new QComboBox(this);
    named(m_invalidRows, QStringLiteral("invalidRowsCombo"), tr("Invalid rows"));
    m_invalidRows->addItem(tr("quarantine"), QStringLiteral("quarantine"));
    m_invalidRows->addItem(tr("fail the operation"), QStringLiteral("fail"));

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("errorSummary"));
    m_summary->setAccessibleName(tr("Problems"));
    m_summary->setWordWrap(true);
    m_summary->setStyleSheet(QStringLiteral("QLabel { color: #d32f2f; }"));
    m_summary->hide();
    m_reload = new QPushButton(tr("Re&load"), this);
    named(m_reload, QStringLiteral("reloadButton"), tr("Reload the pair as stored"));
    m_reload->hide();
    connect(m_reload, &QPushButton::clicked, this, &PairEditorDialog::reload);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("editorButtons"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &PairEditorDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &PairEditorDialog::reject);

    const auto row = [this](std::initializer_list<QWidget *> widgets, int stretchIndex = 0) {
        auto *box = new QWidget(this);
        auto *layout = new QHBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        int i = 0;
        for (QWidget *widget : widgets)
            layout->addWidget(widget, i++ == stretchIndex ? 1 : 0);
        return box;
    };

    auto *general = new QFormLayout;
    general->addRow(tr("&Name:"), m_name);
    general->addRow(tr("&Description:"), m_description);
    general->addRow(tr("&Source system:"), row({ m_sourceSystem, m_testSource, m_sourceTest }, 0));
    general->addRow(tr("&Target system:"), row({ m_targetSystem, m_testTarget, m_targetTest }, 0));
    general->addRow(tr("Source &entity:"), row({ m_sourceEntity, new QLabel(tr("key:"), this), m_sourceKey }, 0));
    general->addRow(tr("Target e&ntity:"), row({ m_targetEntity, new QLabel(tr("key:"), this), m_targetKey }, 0));
    m_sourceTest->setMinimumWidth(160);
    m_targetTest->setMinimumWidth(160);

    m_rules = new ValidationRulesEditor(this);
    m_marks = new FieldErrorMarks(this);
    m_marks->setFrame(m_mapping, m_mappingGrid->frame());
    m_marks->setFrame(m_rules->table(), m_rules->frame());

    auto *left = new QVBoxLayout;
    left->addLayout(general);
    left->addWidget(m_mappingGrid, 1);
    left->addWidget(m_rules, 1);
    auto *right = new QVBoxLayout;
    right->addWidget(buildRunForm());
    right->addWidget(m_preview, 1);
    auto *sides = new QHBoxLayout;
    sides->addLayout(left, 1);
    sides->addLayout(right, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(sides, 1);
    layout->addWidget(row({ m_summary, m_reload }, 0));
    layout->addWidget(m_buttons);

    connect(m_sourceSystem, &QComboBox::currentIndexChanged, this,
            [this] { loadEntities(m_sourceSystem, m_sourceEntity, m_sourceKey); });
    connect(m_targetSystem, &QComboBox::currentIndexChanged, this,
            [this] { loadEntities(m_targetSystem, m_targetEntity, m_targetKey); });
    connect(m_testSource, &QPushButton::clicked, this, [this] { testConnection(m_sourceSystem, m_sourceTest); });
    connect(m_testTarget, &QPushButton::clicked, this, [this] { testConnection(m_targetSystem, m_targetTest); });
    const auto entityChosen = [this](bool source) {
        QComboBox *combo = source ? m_sourceEntity : m_targetEntity;
        QLineEdit *key = source ? m_sourceKey : m_targetKey;
        const QJsonObject entity = m_entities.value((source ? QStringLiteral("source:") : QStringLiteral("target:")) + combo->currentText());
        if (!entity.isEmpty() && key->text().isEmpty())
            key->setText(keyText(entity.value(QLatin1String("key"))));
    };
    connect(m_sourceEntity, &QComboBox::currentTextChanged, this, [this, entityChosen] {
        entityChosen(true);
        QStringList columns;
        for (const QJsonValue &column : m_entities.value(QStringLiteral("source:") + m_sourceEntity->currentText())
                                            .value(QLatin1String("columns")).toArray())
            columns << column[QLatin1String("name")].toString();
        m_cursor->setColumns(columns);
    });
    connect(m_targetEntity, &QComboBox::currentTextChanged, this, [entityChosen] { entityChosen(false); });
}

QWidget *PairEditorDialog::buildRunForm()
{
    m_cursor = new CursorEditor(this);
    m_cronPreview = new CronTimesPreview(this);
    m_deletePolicy = new DeletePolicyEditor(this);
    m_dependsOn = new DependsOnEditor(this);
    m_preview = new MappingPreview(m_client, [this] { return definition(); }, this);
    connect(m_mode, &QComboBox::currentTextChanged, this,
            [this](const QString &mode) { m_cursor->setCursorMode(mode == QLatin1String("cursor")); });
    connect(m_schedule, &QLineEdit::textChanged, m_cronPreview, &CronTimesPreview::setExpression);
    connect(m_preview, &MappingPreview::refused, this, [this](const ApiError &error) {
        clearErrors();
        if (!error.errors.isEmpty())
            showErrors(error, tr("Test pair: the definition does not fit, %n problem(s).", nullptr, int(error.errors.size())));
    });

    auto *box = new QGroupBox(tr("Running"), this);
    auto *run = new QFormLayout(box);
    run->addRow(tr("&Mode:"), m_mode);
    run->addRow(tr("C&ursor:"), m_cursor);
    run->addRow(tr("Sc&hedule:"), m_schedule);
    run->addRow(QString(), m_cronPreview);
    run->addRow(tr("&Batch size:"), m_batchSize);
    run->addRow(tr("&Invalid rows:"), m_invalidRows);
    run->addRow(tr("De&letes:"), m_deletePolicy);
    run->addRow(tr("Depends &on:"), m_dependsOn);
    return box;
}

void PairEditorDialog::addMappingRow(const QString &target, const QString &source, const QString &transform)
{
    m_mappingGrid->addRow(target, source, transform);
}

void PairEditorDialog::loadSystems()
{
    m_client->list(QStringLiteral("/api/systems"), {}, this, [this](const QJsonArray &items, const ApiResult &last) {
        if (!last.ok()) {
            m_summary->setText(tr("Systems could not be read: %1").arg(last.error.message()));
            m_summary->show();
            return;
        }
        for (QComboBox *combo : { m_sourceSystem, m_targetSystem }) {
            const QSignalBlocker blocker(combo);
            combo->clear();
            for (const QJsonValue &value : items) {
                const QJsonObject system = value.toObject();
                combo->addItem(QStringLiteral("%1 (%2)").arg(system.value(QLatin1String("name")).toString(),
                                                            system.value(QLatin1String("kind")).toString()),
                               system.value(QLatin1String("id")).toInteger());
            }
        }
        if (m_pairId > 0) {
            loadPair();
            return;
        }
        {
            const QSignalBlocker blocker(m_targetSystem);
            m_targetSystem->setCurrentIndex(items.size() > 1 ? 1 : 0);
        }
        loadEntities(m_sourceSystem, m_sourceEntity, m_sourceKey);
        loadEntities(m_targetSystem, m_targetEntity, m_targetKey);
        m_initial = definition();
        m_loaded = true;
        emit loaded();
    });
}

void PairEditorDialog::loadPair()
{
    m_client->get(QStringLiteral("/api/sync-pairs/%1").arg(m_pairId), this, [this](const ApiResult &result) {
        if (!result.ok()) {
            m_summary->setText(tr("The pair could not be read: %1").arg(result.error.message()));
            m_summary->show();
            return;
        }
        m_etag = result.etag();
        clearErrors();
        m_reload->hide();
        setDefinition(result.object().value(QLatin1String("definition")).toObject());
        loadEntities(m_sourceSystem, m_sourceEntity, m_sourceKey);
        loadEntities(m_targetSystem, m_targetEntity, m_targetKey);
        m_initial = definition();
        m_loaded = true;
        emit loaded();
    });
}

void PairEditorDialog::reload()
{
    if (m_pairId > 0)
        loadPair();
}

void PairEditorDialog::selectSystem(QComboBox *combo, qint64 id)
{
    const QSignalBlocker blocker(combo);
    const int index = combo->findData(id);
    if (index >= 0)
        combo->setCurrentIndex(index);
}

void PairEditorDialog::setDefinition(const QJsonObject &definition)
{
    m_loadedDefinition = definition;
    m_name->setText(definition.value(QLatin1String("name")).toString());
    m_description->setText(definition.value(QLatin1String("description")).toString());
    selectSystem(m_sourceSystem, definition.value(QLatin1String("source_system_id")).toInteger());
    selectSystem(m_targetSystem, definition.value(QLatin1String("target_system_id")).toInteger());
    const QJsonObject entity = definition.value(QLatin1String("entities")).toArray().first().toObject();
    const QJsonObject source = entity.value(QLatin1String("source")).toObject();
    const QJsonObject target = entity.value(QLatin1String("target")).toObject();
    {
        const QSignalBlocker a(m_sourceEntity), b(m_targetEntity);
        m_sourceEntity->setCurrentText(source.value(QLatin1String("entity")).toString());
        m_targetEntity->setCurrentText(target.value(QLatin1String("entity")).toString());
    }
    m_sourceKey->setText(keyText(source.value(QLatin1String("key"))));
    m_targetKey->setText(keyText(target.value(QLatin1String("key"))));
    m_mappingGrid->setFields(entity.value(QLatin1String("mapping")).toObject().value(QLatin1String("fields")).toArray());
    m_mode->setCurrentText(definition.value(QLatin1String("mode")).toString(QStringLiteral("hash")));
    m_schedule->setText(definition.value(QLatin1String("schedule")).toString());
    m_batchSize->setValue(int(definition.value(QLatin1String("batch_size")).toInteger(0)));
    const int invalid = m_invalidRows->findData(definition.value(QLatin1String("invalid_rows")).toString(QStringLiteral("quarantine")));
    m_invalidRows->setCurrentIndex(qMax(0, invalid));
    m_cursor->setCursor(definition.value(QLatin1String("cursor")).toObject());
    m_cursor->setCursorMode(m_mode->currentText() == QLatin1String("cursor"));
    m_deletePolicy->setPolicy(definition.value(QLatin1String("delete_policy")).toObject());
    m_rules->setRules(entity.value(QLatin1String("validation")).toArray());
    QStringList others; // depends_on names the pair's other entities
    const QJsonArray entities = definition.value(QLatin1String("entities")).toArray();
    for (qsizetype i = 1; i < entities.size(); ++i)
        others << entities.at(i)[QLatin1String("name")].toString();
    m_dependsOn->setChoices(others);
    QStringList dependsOn;
    for (const QJsonValue &name : entity.value(QLatin1String("depends_on")).toArray())
        dependsOn << name.toString();
    m_dependsOn->setDependsOn(dependsOn);
    m_preview->setEntity(entity.value(QLatin1String("name")).toString());
}

QJsonObject PairEditorDialog::definition() const
{
    QJsonObject definition = m_loadedDefinition; // keeps what the form does not edit
    for (const char *key : { "name", "description", "source_system_id", "target_system_id", "source_system",
                             "target_system", "mode", "schedule", "batch_size", "invalid_rows", "cursor", "delete_policy" })
        definition.remove(QLatin1String(key));
    definition.insert(QStringLiteral("name"), m_name->text().trimmed());
    if (!m_description->text().trimmed().isEmpty())
        definition.insert(QStringLiteral("description"), m_description->text().trimmed());
    if (m_sourceSystem->currentIndex() >= 0)
        definition.insert(QStringLiteral("source_system_id"), m_sourceSystem->currentData().toLongLong());
    if (m_targetSystem->currentIndex() >= 0)
        definition.insert(QStringLiteral("target_system_id"), m_targetSystem->currentData().toLongLong());
    definition.insert(QStringLiteral("mode"), m_mode->currentText());
    if (!m_schedule->text().trimmed().isEmpty())
        definition.insert(QStringLiteral("schedule"), m_schedule->text().trimmed());
    if (m_batchSize->value() > 0)
        definition.insert(QStringLiteral("batch_size"), m_batchSize->value());
    definition.insert(QStringLiteral("invalid_rows"), m_invalidRows->currentData().toString());
    if (const QJsonObject cursor = m_cursor->cursor(); !cursor.isEmpty())
        definition.insert(QStringLiteral("cursor"), cursor);
    if (const QJsonObject policy = m_deletePolicy->policy(); !policy.isEmpty())
        definition.insert(QStringLiteral("delete_policy"), policy);

    QJsonArray entities = definition.value(QLatin1String("entities")).toArray();
    QJsonObject entity = entities.isEmpty() ? QJsonObject() : entities.first().toObject();
    const QString sourceEntity = m_sourceEntity->currentText().trimmed();
    if (!entity.contains(QLatin1String("name")) || entity.value(QLatin1String("name")).toString().isEmpty())
        entity.insert(QStringLiteral("name"), sourceEntity.isEmpty() ? QStringLiteral("entity") : sourceEntity);
    entity.insert(QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), sourceEntity },
                                                          { QStringLiteral("key"), toArray(splitKey(m_sourceKey->text())) } });
    entity.insert(QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), m_targetEntity->currentText().trimmed() },
                                                          { QStringLiteral("key"), toArray(splitKey(m_targetKey->text())) } });
    QJsonObject mapping = entity.value(QLatin1String("mapping")).toObject();
    mapping.insert(QStringLiteral("fields"), m_mappingGrid->fields());
    entity.insert(QStringLiteral("mapping"), mapping);
    // Lists left empty stay absent when they were (an unchanged pair saves what it loaded).
    const auto list = [&entity](const QString &key, const QJsonArray &items) {
        if (items.isEmpty() && !entity.contains(key))
            return;
        entity.insert(key, items);
    };
    list(QStringLiteral("validation"), m_rules->rules());
    list(QStringLiteral("depends_on"), toArray(m_dependsOn->dependsOn()));
    if (entities.isEmpty())
        entities.append(entity);
    else
        entities[0] = entity;
    definition.insert(QStringLiteral("entities"), entities);
    return definition;
}

QStringList PairEditorDialog::invalidFields() const
{
    return m_marks->fields();
}

bool PairEditorDialog::isDirty() const
{
    return m_loaded && definition() != m_initial;
}

void PairEditorDialog::loadEntities(QComboBox *systemCombo, QComboBox *entityCombo, QLineEdit *keyEdit)
{
    Q_UNUSED(keyEdit)
    const qint64 system = systemCombo->currentData().toLongLong();
    if (system <= 0)
        return;
    const QString prefix = systemCombo == m_sourceSystem ? QStringLiteral("source:") : QStringLiteral("target:");
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

void PairEditorDialog::testConnection(QComboBox *systemCombo, QLabel *result)
{
    const qint64 system = systemCombo->currentData().toLongLong();
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

void PairEditorDialog::save()
{
    if (m_saving)
        return;
    m_saving = true;
    m_buttons->setEnabled(false);
    clearErrors();
    const auto answered = [this](const ApiResult &result) {
        m_saving = false;
        m_buttons->setEnabled(true);
        if (result.ok()) {
            m_initial = definition();
            emit saved(result.object());
            accept();
            return;
        }
        if (result.status == 412) {
            m_summary->setText(tr("Someone else changed this pair since you opened it. Reload it to see their version "
                                  "(your changes here are lost), or cancel."));
            m_summary->show();
            m_reload->show();
        } else if (!result.error.errors.isEmpty()) {
            showErrors(result.error);
        } else {
            m_summary->setText(tr("The pair was not saved: %1").arg(result.error.message()));
            m_summary->show();
        }
        emit saveFailed(result.status, m_summary->text());
    };
    if (m_pairId > 0)
        m_client->put(QStringLiteral("/api/sync-pairs/%1").arg(m_pairId), definition(), m_etag, this, answered);
    else
        m_client->post(QStringLiteral("/api/sync-pairs"), definition(), this, answered);
}

QWidget *PairEditorDialog::widgetForField(const QString &field) const
{
    static const QRegularExpression entityField(QStringLiteral("^entities\\[0\\]\\.(source|target)(?:\\.(entity|key))?"));
    if (field.startsWith(QLatin1String("entities[0].mapping")) || field == QLatin1String("entities")
        || field == QLatin1String("entities[0]"))
        return m_mapping;
    const QRegularExpressionMatch match = entityField.match(field);
    if (match.hasMatch()) {
        const bool source = match.captured(1) == QLatin1String("source");
        if (match.captured(2) == QLatin1String("key"))
            return source ? m_sourceKey : m_targetKey;
        return source ? m_sourceEntity : m_targetEntity;
    }
    if (field == QLatin1String("entities[0].name"))
        return m_sourceEntity;
    if (field.startsWith(QLatin1String("entities[0].validation")))
        return m_rules->table();
    if (field.startsWith(QLatin1String("entities[0].depends_on")))
        return m_dependsOn->list();
    if (field.startsWith(QLatin1String("entities[0].cursor")) || field.startsWith(QLatin1String("cursor")))
        return m_cursor->columnCombo();
    if (field == QLatin1String("delete_policy.column") || field == QLatin1String("entities[0].delete_policy.column"))
        return m_deletePolicy->columnEdit();
    if (field.startsWith(QLatin1String("delete_policy")) || field.startsWith(QLatin1String("entities[0].delete_policy")))
        return m_deletePolicy->actionCombo();
    const QString top = field.section(QLatin1Char('.'), 0, 0).section(QLatin1Char('['), 0, 0);
    static const QHash<QString, QString> widgets {
        { QStringLiteral("name"), QStringLiteral("nameEdit") },
        { QStringLiteral("description"), QStringLiteral("descriptionEdit") },
        { QStringLiteral("source_system_id"), QStringLiteral("sourceSystemCombo") },
        { QStringLiteral("source_system"), QStringLiteral("sourceSystemCombo") },
        { QStringLiteral("target_system_id"), QStringLiteral("targetSystemCombo") },
        { QStringLiteral("target_system"), QStringLiteral("targetSystemCombo") },
        { QStringLiteral("mode"), QStringLiteral("modeCombo") },
        { QStringLiteral("schedule"), QStringLiteral("scheduleEdit") },
        { QStringLiteral("batch_size"), QStringLiteral("batchSizeSpin") },
        { QStringLiteral("invalid_rows"), QStringLiteral("invalidRowsCombo") },
    };
    const QString name = widgets.value(top);
    return name.isEmpty() ? nullptr : findChild<QWidget *>(name);
}

void PairEditorDialog::showErrors(const ApiError &error, const QString &headline)
{
    QStringList lines;
    for (const ApiFieldError &problem : error.errors) {
        lines << QStringLiteral("• %1: %2").arg(problem.field, problem.message);
        QWidget *widget = widgetForField(problem.field);
        if (widget)
            m_marks->mark(problem.field, widget, problem.message);
        static const QRegularExpression cell(QStringLiteral("^entities\\[0\\]\\.mapping\\.fields\\[(\\d+)\\](?:\\.(\\w+))?"));
        const QRegularExpressionMatch match = cell.match(problem.field);
        if (match.hasMatch())
            m_mappingGrid->markCell(match.captured(1).toInt(), match.captured(2), problem.message);
        static const QRegularExpression rule(QStringLiteral("^entities\\[0\\]\\.validation\\[(\\d+)\\](?:\\.(\\w+))?"));
        const QRegularExpressionMatch ruleMatch = rule.match(problem.field);
        if (ruleMatch.hasMatch())
            m_rules->markCell(ruleMatch.captured(1).toInt(), ruleMatch.captured(2), problem.message);
    }
    m_summary->setText((headline.isEmpty() ? tr("The pair was not saved: %n problem(s).", nullptr, int(error.errors.size())) : headline)
                       + QLatin1Char('\n')
                       + lines.join(QLatin1Char('\n')));
    m_summary->show();
    if (QWidget *first = m_marks->anyWidget())
        first->setFocus(Qt::OtherFocusReason);
}

void PairEditorDialog::clearErrors()
{
    m_marks->clear();
    m_mappingGrid->clearCellMarks();
    m_rules->clearCellMarks();
    m_summary->hide();
    m_summary->clear();
}

void PairEditorDialog::reject()
{
    if (isDirty() && !m_saving) {
        const auto answer = QMessageBox::question(this, tr("Unsaved Changes"),
                                                  tr("This pair has unsaved changes. Discard them?"),
                                                  QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return;
    }
    QDialog::reject();
}

} // namespace tf::console
