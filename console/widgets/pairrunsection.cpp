#include "pairrunsection.h"

#include "widgets/crontimespreview.h"
#include "widgets/cursoreditor.h"
#include "widgets/deletepolicyeditor.h"
#include "widgets/dependsoneditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLineEdit>
#include <QSpinBox>

namespace tf::console {

PairRunSection::PairRunSection(QWidget *parent)
    : QGroupBox(tr("Running"), parent)
    , m_mode(new QComboBox(this))
    , m_schedule(new QLineEdit(this))
    , m_batchSize(new QSpinBox(this))
    , m_invalidRows(new QComboBox(this))
    , m_cursor(new CursorEditor(this))
    , m_cronPreview(new CronTimesPreview(this))
    , m_deletePolicy(new DeletePolicyEditor(this))
    , m_dependsOn(new DependsOnEditor(this))
{
    const auto named = [](QWidget *widget, const QString &name, const QString &accessible) {
        widget->setObjectName(name);
        widget->setAccessibleName(accessible);
    };
    named(m_mode, QStringLiteral("modeCombo"), tr("Mode"));
    m_mode->addItems({ QStringLiteral("hash"), QStringLiteral("cursor"), QStringLiteral("full") });
    named(m_schedule, QStringLiteral("scheduleEdit"), tr("Schedule"));
    m_schedule->setPlaceholderText(tr("cron, e.g. 0 2 * * MON-SAT; empty: manual only"));
    named(m_batchSize, QStringLiteral("batchSizeSpin"), tr("Batch size"));
    m_batchSize->setRange(0, 100000);
    m_batchSize->setSpecialValueText(tr("default"));
    named(m_invalidRows, QStringLiteral("invalidRowsCombo"), tr("Invalid rows"));
    m_invalidRows->addItem(tr("quarantine"), QStringLiteral("quarantine"));
    m_invalidRows->addItem(tr("fail the operation"), QStringLiteral("fail"));
    connect(m_mode, &QComboBox::currentTextChanged, this,
            [this](const QString &mode) { m_cursor->setCursorMode(mode == QLatin1String("cursor")); });
    connect(m_schedule, &QLineEdit::textChanged, m_cronPreview, &CronTimesPreview::setExpression);

    auto *run = new QFormLayout(this);
    run->addRow(tr("&Mode:"), m_mode);
    run->addRow(tr("C&ursor:"), m_cursor);
    run->addRow(tr("Sc&hedule:"), m_schedule);
    run->addRow(QString(), m_cronPreview);
    run->addRow(tr("&Batch size:"), m_batchSize);
    run->addRow(tr("&Invalid rows:"), m_invalidRows);
    run->addRow(tr("De&letes:"), m_deletePolicy);
    run->addRow(tr("Depends &on:"), m_dependsOn);
}

void PairRunSection::setDefinition(const QJsonObject &definition)
{
    m_mode->setCurrentText(definition.value(QLatin1String("mode")).toString(QStringLiteral("hash")));
    m_schedule->setText(definition.value(QLatin1String("schedule")).toString());
    m_batchSize->setValue(int(definition.value(QLatin1String("batch_size")).toInteger(0)));
    const int invalid = m_invalidRows->findData(definition.value(QLatin1String("invalid_rows")).toString(QStringLiteral("quarantine")));
    m_invalidRows->setCurrentIndex(qMax(0, invalid));
    m_cursor->setCursor(definition.value(QLatin1String("cursor")).toObject());
    m_cursor->setCursorMode(m_mode->currentText() == QLatin1String("cursor"));
    m_deletePolicy->setPolicy(definition.value(QLatin1String("delete_policy")).toObject());
    QStringList others; // depends_on names the pair's other entities
    const QJsonArray entities = definition.value(QLatin1String("entities")).toArray();
    for (qsizetype i = 1; i < entities.size(); ++i)
        others << entities.at(i)[QLatin1String("name")].toString();
    m_dependsOn->setChoices(others);
    QStringList dependsOn;
    for (const QJsonValue &name : entities.first().toObject().value(QLatin1String("depends_on")).toArray())
        dependsOn << name.toString();
    m_dependsOn->setDependsOn(dependsOn);
}

void PairRunSection::writeDefinition(QJsonObject &definition) const
{
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
}

QStringList PairRunSection::dependsOn() const
{
    return m_dependsOn->dependsOn();
}

void PairRunSection::setColumns(const QStringList &columns)
{
    m_cursor->setColumns(columns);
}

void PairRunSection::setSourceKind(const QString &kind)
{
    m_cursor->setSourceKind(kind);
}

} // namespace tf::console
