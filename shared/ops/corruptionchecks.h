#pragma once

// Internals of CorruptionFixer: the per-table checks, the changes they plan and the journal
// of rows as they were. Not used outside shared/ops.

#include "corruptionfixer.h"

#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QSqlRecord>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace tf::ops::corruption {

// An UPDATE or DELETE the fix will run, keyed by the row's key and guarded so a row that
// changed meanwhile is left alone.
struct PlannedChange
{
    int finding = -1;
    QString table;
    bool remove = false; // DELETE; else UPDATE
    QStringList keyColumns;
    QVariantList keyValues;
    QStringList setColumns;
    QVariantList setValues;
    QString guard;       // extra "AND ..." condition with ? placeholders
    QVariantList guardValues;
    QString operationLog; // a line for operation_logs (operation id = keyValues[0])
};

// Every row the fix changes or removes, as it was, one JSON object per line:
// {"table", "change": "update"|"delete"|"none", "key": {...}, "set_columns": [...],
//  "problem", "before": {...}}. The undo reads it back.
class Journal final
{
    Q_DISABLE_COPY_MOVE(Journal)
public:
    explicit Journal(const QString &path);
    ~Journal();

    void record(const QString &table, const QString &change, const QSqlRecord &before,
                const QStringList &keyColumns, const QStringList &setColumns, const QString &problem);
    void close();
    QString path() const { return m_file.fileName(); }
    qint64 lines() const { return m_lines; }

    // Reverses each update and delete, newest first, one statement at a time; returns the
    // lines the database refused (e.g. a row whose foreign key no longer exists).
    static QStringList undo(db::Database &database, const QString &path);

private:
    QFile m_file;
    qint64 m_lines = 0;
};

QJsonValue toJsonValue(const QVariant &value);
QJsonObject recordToJson(const QSqlRecord &record);

struct Scan
{
    db::Database &database;
    Journal &journal;
    QList<CorruptionFinding> &findings;
    QList<PlannedChange> &changes;
    QJsonObject &rowsChecked;
    int stuckWithoutLeaseMinutes = 10;
    QSet<QString> pairIds; // sync_pairs ids as text (state and quarantine keep them so)

    int addFinding(const QString &table, const QString &key, const QString &problem, const QString &detail,
                   const QString &action, const QString &resolution);
    // The whole row, for the journal.
    QSqlRecord row(const QString &table, const QStringList &keyColumns, const QVariantList &keyValues) const;
};

void loadPairIds(Scan &scan);
void checkSyncPairs(Scan &scan);
void checkSyncOperations(Scan &scan);
void checkQuarantine(Scan &scan);
void checkSyncState(Scan &scan);
void checkSystemMetrics(Scan &scan);
void checkAuditChain(Scan &scan);

} // namespace tf::ops::corruption
