#pragma once

#include "cdcpairfigures.h"
#include "requestwindow.h"

#include "db/repositories/alertrepository.h"
#include "db/repositories/metricsrepository.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace tf::syncd {

// What the collector found at its latest tick, published for /metrics and /alerts readers.
struct MonitoringSnapshot
{
    QDateTime at;                         // invalid before the first tick
    bool databaseAvailable = false;
    QString databaseError;
    db::QueueFigures queue;
    QList<db::PairFigures> pairs;
    QList<CdcPairFigures> cdcPairs;       // every cdc pair's slot, read from its source
    QList<db::AlertRecord> openAlerts;
    int serviceRestarts24h = 0;
    RequestWindow::Figures requests;      // of the latest sample interval
    QDateTime lastSampleAt;               // latest row set written to system_metrics
    qint64 samplesWritten = 0;
    db::MetricsRepository::RetentionResult lastRetention;
    QDateTime lastRetentionAt;
};

} // namespace tf::syncd
