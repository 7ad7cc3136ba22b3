#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::sync {

// What verify found for one entity of a pair: the target compared with the source as the
// pair's mapping transforms it. Keys are target key texts (source key texts for invalid rows).
struct EntityDrift
{
    static constexpr int kKeysKept = 100;

    struct Different
    {
        QString key;
        QStringList columns; // the target columns whose values differ
    };

    QString entity;
    QString method; // "checksum" (ranges compared in each database) or "merge" (rows compared here)
    qint64 sourceRows = 0;
    qint64 targetRows = 0;
    qint64 matching = 0;
    qint64 missing = 0; // in the source, not in the target
    qint64 extra = 0; // in the target, not in the source (delete_policy propagate)
    qint64 different = 0; // in both, with other values
    qint64 retained = 0; // in the target only, kept there by delete_policy soft_delete/ignore
    qint64 invalid = 0; // source rows the mapping or validation rejects: quarantined by runs
    qint64 rowsFetched = 0; // rows that crossed the network to be compared here
    QStringList missingKeys; // the first kKeysKept of each kind
    QStringList extraKeys;
    QList<Different> differentKeys;

    qint64 differences() const { return missing + extra + different; }
    void addMissing(const QString &key);
    void addExtra(const QString &key);
    void addDifferent(const QString &key);
    QJsonObject toJson() const;
};

struct VerifyReport
{
    QList<EntityDrift> entities;
    bool repaired = false; // --repair ran and applied the differences
    qint64 differencesAfterRepair = -1; // the second verify's count; -1 when not run

    qint64 differences() const;
    QJsonObject toJson() const;
    // "3 missing, 1 extra, 2 different in 2 entities" or "no differences".
    QString summary() const;
};

} // namespace tf::sync
