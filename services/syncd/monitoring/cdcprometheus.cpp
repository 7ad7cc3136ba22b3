#include "cdcprometheus.h"

#include "prometheustext.h"

#include <QHash>
#include <functional>

namespace tf::syncd {

namespace {

using Labels = PrometheusText::Labels;

const QStringList &walStatuses()
{
    static const QStringList statuses { QStringLiteral("reserved"), QStringLiteral("extended"),
                                        QStringLiteral("unreserved"), QStringLiteral("lost") };
    return statuses;
}

QJsonObject latencyJson(const CdcLatency::Histogram &h)
{
    QJsonObject json;
    CdcLatency::addFigures(json, h);
    return json;
}

} // namespace

void appendCdcFamilies(PrometheusText &out, const QString &nodeId, const QList<CdcPairFigures> &pairs,
                       const QList<CdcLatency::Histogram> &latency)
{
    auto labelsOf = [&nodeId](qint64 pairId, const QString &name) {
        return Labels { { "node", nodeId }, { "pair_id", QString::number(pairId) }, { "pair", name } };
    };
    struct Family
    {
        QByteArray name;
        QString help;
        bool needsSlot;
        std::function<double(const CdcPairFigures &)> value; // < 0: no sample
    };
    const QList<Family> families {
        { "terrafusion_cdc_source_up", QStringLiteral("1 when the cdc pair's source answered the latest slot reading."), false,
          [](const CdcPairFigures &p) { return p.reachable ? 1.0 : 0.0; } },
        { "terrafusion_cdc_slot_present", QStringLiteral("1 when the cdc pair's replication slot exists on its source."), false,
          [](const CdcPairFigures &p) { return p.reachable ? (p.slotExists ? 1.0 : 0.0) : -1.0; } },
        { "terrafusion_cdc_slot_active", QStringLiteral("1 when a walsender streams from the cdc pair's slot."), true,
          [](const CdcPairFigures &p) { return p.active ? 1.0 : 0.0; } },
        { "terrafusion_cdc_lag_bytes",
          QStringLiteral("Replication lag of the cdc pair: pg_current_wal_lsn() - confirmed_flush_lsn on the source."), true,
          [](const CdcPairFigures &p) { return double(p.lagBytes); } },
        { "terrafusion_cdc_retained_wal_bytes",
          QStringLiteral("WAL the cdc pair's slot holds back on the source: pg_current_wal_lsn() - restart_lsn."), true,
          [](const CdcPairFigures &p) { return double(p.retainedBytes); } },
        { "terrafusion_cdc_seconds_since_feedback",
          QStringLiteral("Seconds since the cdc pair's walsender last had feedback (inactive: since last seen active)."), true,
          [](const CdcPairFigures &p) { return p.secondsSinceFeedback; } },
    };
    for (const Family &family : families) {
        out.family(family.name, "gauge", family.help);
        for (const CdcPairFigures &pair : pairs) {
            if (family.needsSlot && !pair.hasSlotFigures())
                continue;
            const double value = family.value(pair);
            if (value >= 0)
                out.sample(family.name, labelsOf(pair.pairId, pair.name), value);
        }
    }
    out.family("terrafusion_cdc_wal_status", "gauge",
               QStringLiteral("wal_status of the cdc pair's slot: 1 for its current status, 0 for the others."));
    for (const CdcPairFigures &pair : pairs) {
        if (!pair.hasSlotFigures())
            continue;
        for (const QString &status : walStatuses()) {
            Labels labels = labelsOf(pair.pairId, pair.name);
            labels.append({ "status", status });
            out.sample("terrafusion_cdc_wal_status", labels, pair.walStatus == status ? 1 : 0);
        }
    }

    QHash<qint64, QString> names;
    for (const CdcPairFigures &pair : pairs)
        names.insert(pair.pairId, pair.name);
    const QByteArray histogram = "terrafusion_cdc_commit_to_apply_seconds";
    out.family(histogram, "histogram",
               QStringLiteral("Seconds from a source transaction's commit to the end of the target commit holding it, "
                              "for the cdc pairs this process streamed."));
    const QList<double> &bounds = CdcLatency::boundsSeconds();
    for (const CdcLatency::Histogram &h : latency) {
        if (!names.contains(h.pairId))
            continue; // a pair deleted since (through another node): its series go with it
        const Labels labels = labelsOf(h.pairId, names.value(h.pairId));
        for (int i = 0; i < bounds.size() && i < h.buckets.size(); ++i) {
            Labels withLe = labels;
            withLe.append({ "le", QString::fromLatin1(PrometheusText::formatValue(bounds.at(i))) });
            out.sample(histogram + "_bucket", withLe, double(h.buckets.at(i)));
        }
        Labels inf = labels;
        inf.append({ "le", QStringLiteral("+Inf") });
        out.sample(histogram + "_bucket", inf, double(h.count));
        out.sample(histogram + "_sum", labels, h.sumSeconds);
        out.sample(histogram + "_count", labels, double(h.count));
    }
}

QJsonArray cdcJson(const QList<CdcPairFigures> &pairs, const QList<CdcLatency::Histogram> &latency)
{
    QHash<qint64, CdcLatency::Histogram> byPair;
    for (const CdcLatency::Histogram &h : latency)
        byPair.insert(h.pairId, h);
    QJsonArray out;
    for (const CdcPairFigures &pair : pairs) {
        QJsonObject json = pair.toJson();
        json.insert(QStringLiteral("latency"),
                    byPair.contains(pair.pairId) ? QJsonValue(latencyJson(byPair.value(pair.pairId))) : QJsonValue());
        out.append(json);
    }
    return out;
}

} // namespace tf::syncd
