#include "pairfilterbar.h"

#include "models/resourcetablemodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>

namespace tf::console {

PairFilterBar::PairFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_status(new QComboBox(this))
    , m_system(new QComboBox(this))
    , m_text(new QLineEdit(this))
{
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->setAccessibleName(tr("Status filter"));
    m_status->addItem(tr("All statuses"), QString());
    m_status->addItem(tr("Enabled"), QStringLiteral("true"));
    m_status->addItem(tr("Disabled"), QStringLiteral("false"));
    m_system->setObjectName(QStringLiteral("systemFilter"));
    m_system->setAccessibleName(tr("System filter"));
    m_system->addItem(tr("All systems"), qint64(-1));
    m_system->setMinimumContentsLength(14);
    m_text->setObjectName(QStringLiteral("textFilter"));
    m_text->setAccessibleName(tr("Filter text"));
    m_text->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    connect(m_status, &QComboBox::currentIndexChanged, this, &PairFilterBar::changed);
    connect(m_system, &QComboBox::currentIndexChanged, this, &PairFilterBar::changed);
    connect(m_text, &QLineEdit::textChanged, this, &PairFilterBar::changed);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Status:"), this));
    layout->addWidget(m_status);
    layout->addWidget(new QLabel(tr("System:"), this));
    layout->addWidget(m_system);
    layout->addWidget(m_text, 1);
}

QString PairFilterBar::status() const
{
    return m_status->currentData().toString();
}

qint64 PairFilterBar::systemId() const
{
    return m_system->currentData().toLongLong();
}

QString PairFilterBar::text() const
{
    return m_text->text();
}

QStringList PairFilterBar::systemMatches(const ResourceTableModel &model) const
{
    const qint64 system = systemId();
    QStringList ids;
    if (system > 0) {
        ids << QStringLiteral("0"); // matches nothing when no pair uses the system
        for (int row = 0; row < model.rowCount(); ++row) {
            const QJsonObject pair = model.itemAt(row);
            if (pair.value(QLatin1String("source_system_id")).toInteger() == system
                || pair.value(QLatin1String("target_system_id")).toInteger() == system)
                ids << QString::number(model.idAt(row));
        }
    }
    return ids;
}

void PairFilterBar::setSystems(const QJsonArray &systems)
{
    const qint64 chosen = m_pendingSystem > 0 ? m_pendingSystem : systemId();
    m_pendingSystem = -1;
    const QSignalBlocker blocker(m_system);
    while (m_system->count() > 1)
        m_system->removeItem(1);
    for (const QJsonValue &value : systems) {
        const QJsonObject system = value.toObject();
        m_system->addItem(system.value(QLatin1String("name")).toString(), system.value(QLatin1String("id")).toInteger());
    }
    const int index = m_system->findData(chosen);
    m_system->setCurrentIndex(index < 0 ? 0 : index);
}

void PairFilterBar::focusText()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void PairFilterBar::restoreSettings(const QSettings &settings)
{
    const int status = m_status->findData(settings.value(QStringLiteral("status")).toString());
    m_status->setCurrentIndex(qMax(0, status));
    m_text->setText(settings.value(QStringLiteral("text")).toString());
    m_pendingSystem = settings.value(QStringLiteral("system"), -1).toLongLong();
}

void PairFilterBar::saveSettings(QSettings &settings) const
{
    settings.setValue(QStringLiteral("status"), status());
    settings.setValue(QStringLiteral("text"), text());
    settings.setValue(QStringLiteral("system"), m_pendingSystem > 0 ? m_pendingSystem : systemId());
}

} // namespace tf::console
