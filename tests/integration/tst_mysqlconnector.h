#pragma once

// The MySQL/MariaDB connector (`kind: mysql`) against a throwaway MariaDB that the test
// starts (tests/support/mariadbserver.h): tst_mysqlconnector.cpp covers reading (catalog,
// exact values, key pages, zero dates, server hashes, cursor horizon), and
// tst_mysqlconnector_writes.cpp writing (counts, deletes, state in one transaction, values
// MySQL cannot hold) and the type matrix through the engine, MariaDB as source and target, and
// tst_mysqlconnector_stream.cpp the streamed read (libmariadb) against the paged one, its
// snapshot, and a read the server kills mid-stream.

#include "db/connection.h"
#include "db/controldatabase.h"
#include "mariadbserver.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

// The type matrix table (tst_mysqlconnector_writes.cpp): its columns, their names and its rows.
extern const QString kMatrixColumns;
extern const QStringList kMatrixNames;
extern const QString kMatrixRows;

class TestMysqlConnector final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    // Reading (tst_mysqlconnector.cpp)
    void settingsAreChecked();
    void catalogDescribesTypesAndKeys();
    void exactValuesAreRead();
    void readsInKeyPagesFromOneSnapshot();
    void zeroDatesAreQuarantinedOrMapped();
    void serverHashesEqualRowHashes();
    void doubleTextMatchesTheServer();
    void readByKeysAndSince();
    void cursorHorizonHonoursOpenTransactions();
    // Writing (tst_mysqlconnector_writes.cpp)
    void applyCountsInsertsUpdatesAndUnchanged();
    void deletesAndStateCommitWithTheRows();
    void failedBatchKeepsNothing();
    void valuesMysqlCannotHoldAreNamed();
    void stateStoreDiffsAndCheckpoints();
    void typeMatrix_data();
    void typeMatrix();
    // The streamed read (tst_mysqlconnector_stream.cpp)
    void streamedReadEqualsPagedRead();
    void streamedReadHoldsOneSnapshot();
    void killedStreamFailsTheRead();
    void killedStreamFailsTheRunAndDeletesNothing();

private:
    void my(const QString &sql); // as root in the test database
    QVariant myValue(const QString &sql);
    SystemSettings settings(const QJsonObject &extra = {}) const;
    QList<Row> readAll(MysqlConnector &connector, const QString &entity, int batchSize = 1000,
                       QList<int> *batchSizes = nullptr);
    RunResult run(SourceConnector &source, TargetConnector &target, const PairSpec &spec);
    void postgres(const QString &sql);

    tf::test::MariaDbServer m_server;
    QString m_database = u"tfmy"_s;
    std::unique_ptr<MysqlConnector> m_connector;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
    QString m_pgUrl;
    std::unique_ptr<tf::db::Database> m_pg;
};
