#pragma once

#include "cdclatency.h"
#include "cdcpairfigures.h"

#include <QJsonArray>
#include <QList>
#include <QString>

namespace tf::syncd {

class PrometheusText;

// The terrafusion_cdc_* families of /metrics: per cdc pair (labels node, pair_id, pair) the
// slot figures the collector read, and this process's commit-to-apply latency histogram.
void appendCdcFamilies(PrometheusText &out, const QString &nodeId, const QList<CdcPairFigures> &pairs,
                       const QList<CdcLatency::Histogram> &latency);

// The "cdc" array of the JSON /metrics answer: each pair's figures with its latency (null
// when this process streamed nothing for it).
QJsonArray cdcJson(const QList<CdcPairFigures> &pairs, const QList<CdcLatency::Histogram> &latency);

} // namespace tf::syncd
