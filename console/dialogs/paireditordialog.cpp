#include "paireditordialog.h"

#include "client/gatewayclient.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

const QString InvalidStyle = QStringLiteral("%1 { border: 2px solid #d32f2f; }");

// The transform cell: pick a function from the engine's list, or type a chain.
class TransformDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        auto *combo = new QComboBox(parent);
        combo->setEditable(true);
        combo->addItem(QString());
        combo->addItems(PairEditorDialog::transformFunctions());
        combo->setAccessibleName(PairEditorDialog::tr("Transform"));
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        static_cast<QComboBox *>(editor)->setCurrentText(index.data().toString());
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentText());
    }
};

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
    // docs/sync-engine.md, Mapping functions.
    return { QStringLiteral("trim"),       QStringLiteral("upper"),         QStringLiteral("lower"),
             QStringLiteral("capitalize"), QStringLiteral("to_int"),        QStringLiteral("to_float"),
             QStringLiteral("to_decimal"), QStringLiteral("to_bool"),       QStringLiteral("invert_bool"),
             QStringLiteral("round(2)"),   QStringLiteral("format_date(yyyy-MM-dd)"),
             QStringLiteral("parse_date(yyyy-MM-dd)"), QStringLiteral("concat(\" \", field)"),
             QStringLiteral("split(\",\", 0)"), QStringLiteral("default(value)"),
             QStringLiteral("coalesce(field)"), QStringLiteral("map({\"a\": \"b\"})"),
             QStringLiteral("constant(value)"), QStringLiteral("uuid_from") };
}

QString PairEditorDialog::transformText(const QJsonArray &transform)
{
    QStringList steps;
    for (const QJsonValue &step : transform) {
        if (step.isString()) {
            steps << step.toString();
            continue;
        }
        const QJsonObject object = step.toObject();
        QStringList args;
        for (const QJsonValue &arg : object.value(QLatin1String("args")).toArray()) {
            const QJsonDocument doc(QJsonArray { arg });
            QString text = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
            args << text.mid(1, text.size() - 2);
        }
        steps << QStringLiteral("%1(%2)").arg(object.value(QLatin1String("fn")).toString(), args.join(QStringLiteral(", ")));
    }
    return steps.join(QStringLiteral(" | "));
}

QJsonArray PairEditorDialog::parseTransform(const QString &text)
{
    static const QRegularExpression call(QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\((.*)\\))?\\s*$"),
                                         QRegularExpression::DotMatchesEverythingOption);
    QJsonArray steps;
    for (const QString &part : text.split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty())
            continue;
        const QRegularExpressionMatch match = call.match(part);
        if (!match.hasMatch()) {
            steps.append(part.trimmed()); // the server names what is wrong with it
            continue;
        }
        if (match.capturedLength(2) == 0 && !part.contains(QLatin1Char('('))) {
            steps.append(match.captured(1));
            continue;
        }
        // Arguments are JSON values ("x", 4, {"a": "b"}); bare words are strings.
        const QString inner = match.captured(2);
        QJsonArray args;
        const QJsonDocument doc = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(inner).toUtf8());
        if (doc.isArray()) {
            args = doc.array();
        } else {
            for (const QString &arg : inner.split(QLatin1Char(',')))
                args.append(arg.trimmed());
        }
        steps.append(QJsonObject { { QStringLiteral("fn"), match.captured(1) }, { QStringLiteral("args"), args } });
    }
    return steps;
}

PairEditorDialog::PairEditorDialog(GatewayClient *client, qint64 pairId, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_pairId(pairId)
{
    setObjectName(QStringLiteral("pairEditor"));
    setWindowTitle(pairId > 0 ? tr("Edit Sync Pair") : tr("New Sync Pair"));
    buildForm();
    resize(760, 680);
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

    m_mapping = new QTableWidget(0, MappingColumnCount, this);
    named(m_mapping, QStringLiteral("mappingTable"), tr("Field mapping"));
    m_mapping->setHorizontalHeaderLabels({ tr("Target field"), tr("Source field"), tr("Transform (a | b(args))") });
    m_mapping->horizontalHeader()->setStretchLastSection(true);
    m_mapping->setColumnWidth(TargetColumn, 180);
    m_mapping->setColumnWidth(SourceColumn, 180);
    m_mapping->verticalHeader()->setDefaultSectionSize(24);
    m_mapping->setItemDelegateForColumn(TransformColumn, new TransformDelegate(m_mapping));
    m_mapping->setToolTip(tr("Transforms: %1").arg(transformFunctions().join(QStringLiteral(", "))));
    m_addRow = new QPushButton(tr("&Add Field"), this);
    named(m_addRow, QStringLiteral("addFieldButton"), tr("Add a mapped field"));
    m_removeRow = new QPushButton(tr("&Remove Field"), this);
    named(m_removeRow, QStringLiteral("removeFieldButton"), tr("Remove the selected mapped fields"));
    connect(m_addRow, &QPushButton::clicked, this, [this] {
        addMappingRow();
        m_mapping->editItem(m_mapping->item(m_mapping->rowCount() - 1, TargetColumn));
    });
    connect(m_removeRow, &QPushButton::clicked, this, [this] {
        QList<int> rows;
        for (const QModelIndex &index : m_mapping->selectionModel()->selectedIndexes())
            if (!rows.contains(index.row()))
                rows << index.row();
        std::sort(rows.begin(), rows.end(), std::greater<int>());
        for (int row : rows)
            m_mapping->removeRow(row);
    });

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

    auto *mappingBox = new QGroupBox(tr("Field mapping"), this);
    auto *mappingLayout = new QVBoxLayout(mappingBox);
    // The grid's red frame is drawn by this frame: a style sheet on the grid itself would pin
    // its viewport to the palette of the moment (white in the dark theme).
    m_mappingFrame = new QFrame(this);
    m_mappingFrame->setObjectName(QStringLiteral("mappingFrame"));
    auto *frameLayout = new QVBoxLayout(m_mappingFrame);
    frameLayout->setContentsMargins(2, 2, 2, 2);
    frameLayout->addWidget(m_mapping);
    mappingLayout->addWidget(m_mappingFrame, 1);
    mappingLayout->addWidget(row({ new QWidget(this), m_addRow, m_removeRow }, 0));

    auto *run = new QFormLayout;
    run->addRow(tr("&Mode:"), m_mode);
    run->addRow(tr("Sc&hedule:"), m_schedule);
    run->addRow(tr("&Batch size:"), m_batchSize);
    run->addRow(tr("&Invalid rows:"), m_invalidRows);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(general);
    layout->addWidget(mappingBox, 1);
    layout->addLayout(run);
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
    connect(m_sourceEntity, &QComboBox::currentTextChanged, this, [entityChosen] { entityChosen(true); });
    connect(m_targetEntity, &QComboBox::currentTextChanged, this, [entityChosen] { entityChosen(false); });
}

void PairEditorDialog::addMappingRow(const QString &target, const QString &source, const QString &transform)
{
    const int row = m_mapping->rowCount();
    m_mapping->insertRow(row);
    m_mapping->setItem(row, TargetColumn, new QTableWidgetItem(target));
    m_mapping->setItem(row, SourceColumn, new QTableWidgetItem(source));
    m_mapping->setItem(row, TransformColumn, new QTableWidgetItem(transform));
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
    m_mapping->setRowCount(0);
    for (const QJsonValue &value : entity.value(QLatin1String("mapping")).toObject().value(QLatin1String("fields")).toArray()) {
        const QJsonObject field = value.toObject();
        addMappingRow(field.value(QLatin1String("target")).toString(), field.value(QLatin1String("source")).toString(),
                      transformText(field.value(QLatin1String("transform")).toArray()));
    }
    m_mode->setCurrentText(definition.value(QLatin1String("mode")).toString(QStringLiteral("hash")));
    m_schedule->setText(definition.value(QLatin1String("schedule")).toString());
    m_batchSize->setValue(int(definition.value(QLatin1String("batch_size")).toInteger(0)));
    const int invalid = m_invalidRows->findData(definition.value(QLatin1String("invalid_rows")).toString(QStringLiteral("quarantine")));
    m_invalidRows->setCurrentIndex(qMax(0, invalid));
}

QJsonObject PairEditorDialog::definition() const
{
    QJsonObject definition = m_loadedDefinition; // keeps what the form does not edit
    for (const char *key : { "name", "description", "source_system_id", "target_system_id", "source_system",
                             "target_system", "mode", "schedule", "batch_size", "invalid_rows" })
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

    QJsonArray entities = definition.value(QLatin1String("entities")).toArray();
    QJsonObject entity = entities.isEmpty() ? QJsonObject() : entities.first().toObject();
    const QString sourceEntity = m_sourceEntity->currentText().trimmed();
    if (!entity.contains(QLatin1String("name")) || entity.value(QLatin1String("name")).toString().isEmpty())
        entity.insert(QStringLiteral("name"), sourceEntity.isEmpty() ? QStringLiteral("entity") : sourceEntity);
    entity.insert(QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), sourceEntity },
                                                          { QStringLiteral("key"), toArray(splitKey(m_sourceKey->text())) } });
    entity.insert(QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), m_targetEntity->currentText().trimmed() },
                                                          { QStringLiteral("key"), toArray(splitKey(m_targetKey->text())) } });
    QJsonArray fields;
    for (int row = 0; row < m_mapping->rowCount(); ++row) {
        const auto text = [this, row](int column) {
            const QTableWidgetItem *item = m_mapping->item(row, column);
            return item ? item->text().trimmed() : QString();
        };
        QJsonObject field { { QStringLiteral("target"), text(TargetColumn) } };
        if (!text(SourceColumn).isEmpty())
            field.insert(QStringLiteral("source"), text(SourceColumn));
        const QJsonArray transform = parseTransform(text(TransformColumn));
        if (!transform.isEmpty())
            field.insert(QStringLiteral("transform"), transform);
        fields.append(field);
    }
    QJsonObject mapping = entity.value(QLatin1String("mapping")).toObject();
    mapping.insert(QStringLiteral("fields"), fields);
    entity.insert(QStringLiteral("mapping"), mapping);
    if (entities.isEmpty())
        entities.append(entity);
    else
        entities[0] = entity;
    definition.insert(QStringLiteral("entities"), entities);
    return definition;
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

void PairEditorDialog::showErrors(const ApiError &error)
{
    QStringList lines;
    for (const ApiFieldError &problem : error.errors) {
        lines << QStringLiteral("• %1: %2").arg(problem.field, problem.message);
        QWidget *widget = widgetForField(problem.field);
        if (widget)
            markInvalid(problem.field, widget, problem.message);
        static const QRegularExpression cell(QStringLiteral("^entities\\[0\\]\\.mapping\\.fields\\[(\\d+)\\](?:\\.(\\w+))?"));
        const QRegularExpressionMatch match = cell.match(problem.field);
        if (match.hasMatch()) {
            const int row = match.captured(1).toInt();
            const QString part = match.captured(2);
            const int column = part == QLatin1String("source")      ? SourceColumn
                               : part == QLatin1String("transform") ? TransformColumn
                                                                    : TargetColumn;
            if (QTableWidgetItem *item = m_mapping->item(row, column)) {
                item->setBackground(QColor(0xd3, 0x2f, 0x2f, 90));
                item->setToolTip(problem.message);
            }
        }
    }
    m_summary->setText(tr("The pair was not saved: %n problem(s).", nullptr, int(error.errors.size())) + QLatin1Char('\n')
                       + lines.join(QLatin1Char('\n')));
    m_summary->show();
    if (!m_invalid.isEmpty())
        m_invalid.cbegin().value()->setFocus(Qt::OtherFocusReason);
}

void PairEditorDialog::markInvalid(const QString &field, QWidget *widget, const QString &message)
{
    if (!widget->property("invalid").toBool())
        widget->setProperty("baseToolTip", widget->toolTip());
    m_invalid.insert(field, widget);
    widget->setProperty("invalid", true);
    applyInvalidStyle(widget);
    const QString previous = widget->property("invalidMessages").toString();
    const QString messages = previous.isEmpty() ? message : previous + QLatin1Char('\n') + message;
    widget->setProperty("invalidMessages", messages);
    widget->setToolTip(messages);
}

void PairEditorDialog::applyInvalidStyle(QWidget *widget)
{
    QWidget *styled = widget == m_mapping ? static_cast<QWidget *>(m_mappingFrame) : widget;
    const QString style = widget == m_mapping ? QStringLiteral("QFrame#mappingFrame { border: 2px solid #d32f2f; }")
                                              : InvalidStyle.arg(QString::fromLatin1(widget->metaObject()->className()));
    styled->setStyleSheet(QString());
    styled->setStyleSheet(style);
}

void PairEditorDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    // A style sheet keeps the palette it was polished with: apply the red frames again
    // when the theme changes, so the fields follow the dark or light palette.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        if (m_restyling)
            return;
        m_restyling = true;
        for (QWidget *widget : std::as_const(m_invalid))
            applyInvalidStyle(widget);
        m_restyling = false;
    }
}

void PairEditorDialog::clearErrors()
{
    for (QWidget *widget : std::as_const(m_invalid)) {
        widget->setProperty("invalid", false);
        widget->setProperty("invalidMessages", QVariant());
        widget->setStyleSheet(QString());
        widget->setToolTip(widget->property("baseToolTip").toString());
    }
    m_mappingFrame->setStyleSheet(QString());
    m_invalid.clear();
    for (int row = 0; row < m_mapping->rowCount(); ++row) {
        for (int column = 0; column < MappingColumnCount; ++column) {
            if (QTableWidgetItem *item = m_mapping->item(row, column)) {
                item->setBackground(QBrush());
                item->setToolTip(QString());
            }
        }
    }
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
