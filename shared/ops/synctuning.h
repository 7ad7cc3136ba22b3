#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>

namespace tf {
class SecretBox;
}
namespace tf::db {
class Database;
}

namespace tf::ops {

// `tfctl tune optimize-sync`: for each pair, a dry run at each candidate batch size
// (reads, detects, transforms and validates; writes nothing), timed; the batch size with the
// highest rows/s becomes the pair's "batch_size" when it beats the current one by at least
// `minGainPercent` (small differences are noise). What a dry run cannot see is the target's
// write time: the choice is about the read side.
struct SyncTuningOptions
{
    QList<int> batchSizes { 500, 1000, 2500, 5000, 10000 };
    double trialSeconds = 10; // a trial longer than this is cancelled and timed so far
    double minGainPercent = 5;
    QString pair; // id or name; empty: every enabled pair
    bool apply = true; // store the best batch size
    QString actor; // for the audit trail
};

struct SyncTrial
{
    int batchSize = 0;
    qint64 rows = 0;
    double seconds = 0;
    double rowsPerSecond = 0;
    QString status; // completed, cancelled (budget), failed: <why>
};

struct PairTuning
{
    qint64 pairId = 0;
    QString name;
    int before = 0;
    int after = 0;
    bool changed = false;
    QString note;
    QList<SyncTrial> trials;
    QJsonObject toJson() const;
};

using SyncTuningProgress = std::function<void(const QString &line)>;

// Throws tf::Error(NotFound) for an unknown pair, Validation for bad options.
QList<PairTuning> tuneSyncBatchSizes(db::Database &database, const SecretBox &secrets,
                                     const SyncTuningOptions &options,
                                     const SyncTuningProgress &progress = {});

} // namespace tf::ops
