#include "paireditordialog.h"

#include "client/gatewayclient.h"
#include "widgets/cursoreditor.h"
#include "widgets/deletepolicyeditor.h"
#include "widgets/fielderrormarks.h"
#include "widgets/dependsoneditor.h"
#include "widgets/mappinggrid.h"
#include "widgets/mappingpreview.h"
#include "widgets/pairrunsection.h"
#include "widgets/pairsystemssection.h"
#include "widgets/validationruleseditor.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

QJsonArray toArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &item : list)
        array.append(item);
    return array;
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
    m_systems = new PairSystemsSection(m_client, this);

    m_mappingGrid = new MappingGrid(this);
    m_mapping = m_mappingGrid->table();

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
    m_systems->addRowsTo(general);

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

    connect(m_systems, &PairSystemsSection::sourceColumnsChanged, m_run, &PairRunSection::setColumns);
    connect(m_systems, &PairSystemsSection::sourceKindChanged, m_run, &PairRunSection::setSourceKind);
}

QWidget *PairEditorDialog::buildRunForm()
{
    m_run = new PairRunSection(this);
    m_preview = new MappingPreview(m_client, [this] { return definition(); }, this);
    connect(m_preview, &MappingPreview::refused, this, [this](const ApiError &error) {
        clearErrors();
        if (!error.errors.isEmpty())
            showErrors(error, tr("Test pair: the definition does not fit, %n problem(s).", nullptr, int(error.errors.size())));
    });
    return m_run;
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
        m_systems->setSystems(items);
        if (m_pairId > 0) {
            loadPair();
            return;
        }
        m_systems->chooseDistinctTarget();
        m_systems->loadEntities();
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
        m_systems->loadEntities();
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

void PairEditorDialog::setDefinition(const QJsonObject &definition)
{
    m_loadedDefinition = definition;
    m_name->setText(definition.value(QLatin1String("name")).toString());
    m_description->setText(definition.value(QLatin1String("description")).toString());
    const QJsonObject entity = definition.value(QLatin1String("entities")).toArray().first().toObject();
    m_systems->setDefinition(definition, entity);
    m_mappingGrid->setFields(entity.value(QLatin1String("mapping")).toObject().value(QLatin1String("fields")).toArray());
    m_run->setDefinition(definition);
    m_rules->setRules(entity.value(QLatin1String("validation")).toArray());
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
    m_systems->writeSystems(definition);
    m_run->writeDefinition(definition);

    QJsonArray entities = definition.value(QLatin1String("entities")).toArray();
    QJsonObject entity = entities.isEmpty() ? QJsonObject() : entities.first().toObject();
    m_systems->writeEntity(entity);
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
    list(QStringLiteral("depends_on"), toArray(m_run->dependsOn()));
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
        return m_systems->entityWidget(match.captured(1) == QLatin1String("source"), match.captured(2) == QLatin1String("key"));
    }
    if (field == QLatin1String("entities[0].name"))
        return m_systems->entityWidget(true, false);
    if (field.startsWith(QLatin1String("entities[0].validation")))
        return m_rules->table();
    if (field.startsWith(QLatin1String("entities[0].depends_on")))
        return m_run->dependsOnEditor()->list();
    if (field.startsWith(QLatin1String("entities[0].cursor")) || field.startsWith(QLatin1String("cursor")))
        return field.endsWith(QLatin1String("cursor.kind")) ? m_run->cursor()->kindCombo() : m_run->cursor()->columnCombo();
    if (field == QLatin1String("delete_policy.column") || field == QLatin1String("entities[0].delete_policy.column"))
        return m_run->deletePolicy()->columnEdit();
    if (field.startsWith(QLatin1String("delete_policy")) || field.startsWith(QLatin1String("entities[0].delete_policy")))
        return m_run->deletePolicy()->actionCombo();
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
