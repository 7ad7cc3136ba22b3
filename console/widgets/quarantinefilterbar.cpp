#include "quarantinefilterbar.h"

#include "models/resourcefiltermodel.h"
#include "models/resourcetablemodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QUrlQuery>

#include <algorithm>

namespace tf::console {

namespace {

QComboBox *makeChoice(const QString &objectName, const QString &accessibleName, const QString &all, QWidget *parent)
{
    auto *combo = new QComboBox(parent);
    combo->setObjectName(objectName);
    combo->setAccessibleName(accessibleName);
    combo->addItem(all, QString());
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return combo;
}

} // namespace

QuarantineFilterBar::QuarantineFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_pairFilter(makeChoice(QStringLiteral("pairFilter"), tr("Pair filter"), tr("All pairs"), this))
    , m_entityFilter(makeChoice(QStringLiteral("entityFilter"), tr("Entity filter"), tr("All entities"), this))
    , m_ruleFilter(makeChoice(QStringLiteral("ruleFilter"), tr("Rule filter"), tr("All rules"), this))
    , m_fieldFilter(makeChoice(QStringLiteral("fieldFilter"), tr("Field filter"), tr("All fields"), this))
    , m_ageFilter(makeChoice(QStringLiteral("ageFilter"), tr("Age filter"), tr("Any age"), this))
    , m_text(new QLineEdit(this))
{
    // Older than N hours: the list asks for entries created before now - N hours.
    m_ageFilter->setItemData(0, 0);
    m_ageFilter->addItem(tr("Older than 1 hour"), 1);
    m_ageFilter->addItem(tr("Older than 24 hours"), 24);
    m_ageFilter->addItem(tr("Older than 7 days"), 7 * 24);
    m_ageFilter->addItem(tr("Older than 30 days"), 30 * 24);
    m_ageFilter->setToolTip(tr("Only rows first quarantined longer ago than this"));
    m_text->setObjectName(QStringLiteral("filter"));
    m_text->setAccessibleName(tr("Filter text"));
    m_text->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QComboBox *combo : { m_pairFilter, m_entityFilter, m_ruleFilter, m_fieldFilter, m_ageFilter })
        layout->addWidget(combo);
    layout->addWidget(m_text, 1);

    for (QComboBox *combo : { m_pairFilter, m_entityFilter, m_ruleFilter, m_ageFilter })
        connect(combo, &QComboBox::currentIndexChanged, this, &QuarantineFilterBar::serverFiltersChanged);
    connect(m_fieldFilter, &QComboBox::currentIndexChanged, this, &QuarantineFilterBar::fieldChanged);
}

void QuarantineFilterBar::addServerFilters(QUrlQuery &query) const
{
    const auto add = [&query](const QString &name, QComboBox *combo) {
        const QString value = combo->currentData().toString();
        if (!value.isEmpty())
            query.addQueryItem(name, value);
    };
    add(QStringLiteral("pair_id"), m_pairFilter);
    add(QStringLiteral("entity"), m_entityFilter);
    add(QStringLiteral("rule"), m_ruleFilter);
    const int hours = m_ageFilter->currentData().toInt();
    if (hours > 0) {
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-qint64(hours) * 3600);
        query.addQueryItem(QStringLiteral("created_before"), before.toString(Qt::ISODate)); // "...Z"
    }
}

bool QuarantineFilterBar::narrowsOnServer() const
{
    bool narrowed = m_ageFilter->currentIndex() > 0;
    for (const QComboBox *combo : { m_pairFilter, m_entityFilter, m_ruleFilter })
        narrowed = narrowed || !combo->currentData().toString().isEmpty();
    return narrowed;
}

QString QuarantineFilterBar::field() const
{
    return m_fieldFilter->currentData().toString();
}

void QuarantineFilterBar::rebuildChoices(const ResourceTableModel &model, const QHash<qint64, QString> &pairNames)
{
    const auto rebuild = [this, &model, &pairNames](QComboBox *combo, const QString &field, bool pairs) {
        QSet<QString> &values = m_seen[combo];
        for (int row = 0; row < model.rowCount(); ++row)
            values.insert(ResourceFilterModel::fieldText(model.itemAt(row), field));
        if (pairs)
            for (auto it = pairNames.cbegin(); it != pairNames.cend(); ++it)
                values.insert(QString::number(it.key()));
        values.remove(QString());
        if (!combo->currentData().toString().isEmpty())
            values.insert(combo->currentData().toString());
        QStringList sorted(values.begin(), values.end());
        std::sort(sorted.begin(), sorted.end(), [pairs](const QString &a, const QString &b) {
            return pairs ? a.toLongLong() < b.toLongLong() : a < b;
        });
        const QString current = combo->currentData().toString();
        const QSignalBlocker block(combo);
        while (combo->count() > 1)
            combo->removeItem(1);
        for (const QString &value : sorted) {
            const QString label = pairs ? tr("%1 (#%2)").arg(pairNames.value(value.toLongLong()), value) : value;
            combo->addItem(label, value);
        }
        const int index = combo->findData(current);
        combo->setCurrentIndex(index < 0 ? 0 : index);
    };
    rebuild(m_pairFilter, QStringLiteral("pair_id"), true);
    rebuild(m_entityFilter, QStringLiteral("entity"), false);
    rebuild(m_ruleFilter, QStringLiteral("rule"), false);
    rebuild(m_fieldFilter, QStringLiteral("field"), false);
}

} // namespace tf::console
