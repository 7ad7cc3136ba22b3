#pragma once

// Hash mode by blocks (issue 16 item 4) against real PostgreSQL: a PostgreSQL source sums its
// typed row hashes per block of keys in one scan, the target's sync state is summed the same
// way, and only blocks that differ are compared row by row and read. Checked through the
// run's statistics (read = rows of expanded blocks) and a row-by-row comparison of both
// tables: no change reads no row, changes anywhere (negative keys, past the last block, next
// to deletes) are found exactly, --full leaves nothing for the next hash run, and a sync state
// out of step with the data (rows lost or a hash of another kind, as a crash or an older
// version leaves it) is repaired, never trusted.
#include "db/connection.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "db/controldatabase.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kSrc = u"bh src"_s;
const QString kDst = u"bh dst"_s;
constexpr qint64 kWidth = 100; // HashExecutor::Options::blockWidth's default
constexpr qint64 kSub = 10; // HashExecutor::Options::subBlockWidth's default, the stored width
constexpr qint64 kRows = 20000;

QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

} // namespace

class TestBlockHash final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void noChangeRunReadsNoRows();
    void changedRowsAreFoundInTheirBlocks();
    void insertAndDeleteInDifferentBlocks();
    void keyBeyondTheLastBlock();
    void fullThenHashIsANoChangeRun();
    void stateOutOfStepWithTheDataIsRepaired();
    void cursorReconciliationStoresTheSameHashes();
    void stateOfTheLayoutBeforeIsUpgradedInPlace();
    void valuesAreComparedExactly();
    void firstLoadSumsItsOwnBlocksExactly();
    void firstLoadOfKeysThatOnlyLookLikeIntegers();
    void firstLoadUnderTheTriggerFunctionBefore();
    void oneChangedRowReadsOnlyItsSubBlock();
    void deleteAndInsertAtBlockBoundaries();
    void blocksOfTheHundredKeyLayoutAreReplaced();
    void textAndCompositeKeysCompareRows();
    void stateKeyOfTheLayoutBeforeIsReplaced();

private:
    void sql(const QString &statement) { m_admin->execDirect(statement, "test setup"); }
    qint64 scalar(const QString &statement);
    // Source and target tables `name` (ids -250 .. kRows-251, every `step`-th), and their pair.
    PairSpec makePair(const QString &name, qint64 step = 1, ChangeMode mode = ChangeMode::Hash);
    // Source and target tables `name` with these column definitions (no rows), and a pair
    // `pairName` (the tables of makePair, unused) mapping every column to itself.
    PairSpec makeTablePair(const QString &name, const QString &pairName, const QStringList &columns);
    RunResult run(const PairSpec &spec, bool full = false);
    qint64 differences(const QString &name);
    // Blocks whose stored sums differ from a recomputation over the pair's rows of
    // tf_sync_state (written here apart from the product's SQL: a regular expression for
    // integer texts); 0 when they are exact.
    qint64 blockMismatches(const QString &pairId);
    void replaceWithTriggerFunctionBefore();
    // Drops this layout's block table, its triggers and functions (state of a layout before).
    void dropStateBlocks();
    // A new target connector: the next run opens the state tables as a new process would.
    void reopenTarget();
    // A run that finds nothing to compare and writes nothing.
    bool nothingToDo(const PairSpec &spec);
    QString src(const QString &name) const { return q(kSrc) + u"."_s + q(name); }
    QString dst(const QString &name) const { return q(kDst) + u"."_s + q(name); }

    QString m_url;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<PostgresConnector> m_source;
    std::unique_ptr<PostgresConnector> m_target;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
};
