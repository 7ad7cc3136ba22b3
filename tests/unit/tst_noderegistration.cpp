// NodeRegistration over a real SQLite control database (DatabaseState, as the services have
// it): the row is written once the database is open, the heartbeat moves every interval, a
// failed write is one warning and is retried on the next tick (never fatal), a row that went
// away is written again, and stop() marks the row stopped.
#include "common/databasestate.h"
#include "common/noderegistration.h"
#include "db/repositories/servicenoderepository.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf;

class TestNodeRegistration final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static std::optional<db::ServiceNodeRecord> row(const DatabaseState &state)
    {
        for (const db::ServiceNodeRecord &node :
             db::ServiceNodeRepository(state.database().database()).list())
            if (node.nodeId == QLatin1String("node-t"))
                return node;
        return std::nullopt;
    }

private slots:
    void registersBeatsSurvivesFailuresAndStops()
    {
        DatabaseState state(
            QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("control.db")), true);
        db::ServiceNodeRecord node;
        node.service = QStringLiteral("tf-syncd");
        node.nodeId = QStringLiteral("node-t");
        node.host = QStringLiteral("host-t");
        node.pid = QCoreApplication::applicationPid();
        node.url = QStringLiteral("http://127.0.0.1:1");
        node.heartbeatMs = 100;
        NodeRegistration registration(state, node);
        registration.start(); // before the database is open: written when it opens
        state.start(100);
        QTRY_VERIFY_WITH_TIMEOUT(state.isOpen() && row(state).has_value(), 10000);
        QCOMPARE(row(state)->statusAt(QDateTime::currentDateTimeUtc()), QStringLiteral("running"));
        QCOMPARE(row(state)->host, QStringLiteral("host-t"));
        QCOMPARE(row(state)->heartbeatMs, 100);

        const QDateTime first = row(state)->heartbeatAt;
        QTRY_VERIFY_WITH_TIMEOUT(row(state)->heartbeatAt > first, 5000);

        // The table away for a while: one warning, no crash, and the heartbeat resumes after.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "node heartbeat not written, tried again in 100 ms")));
        state.database().database().execDirect(
            QStringLiteral("ALTER TABLE service_nodes RENAME TO service_nodes_away"),
            "hiding the table");
        QTest::qWait(350); // three ticks fail; only the first warns
        state.database().database().execDirect(
            QStringLiteral("ALTER TABLE service_nodes_away RENAME TO service_nodes"),
            "bringing it back");
        const QDateTime before = row(state)->heartbeatAt;
        QTRY_VERIFY_WITH_TIMEOUT(row(state)->heartbeatAt > before, 5000);

        // A row that went away (pruned, replaced) is written again.
        state.database().database().execDirect(QStringLiteral("DELETE FROM service_nodes"),
                                               "removing the row");
        QTRY_VERIFY_WITH_TIMEOUT(row(state).has_value(), 5000);

        registration.stop();
        QCOMPARE(row(state)->statusAt(QDateTime::currentDateTimeUtc()), QStringLiteral("stopped"));
        const QDateTime stoppedAt = row(state)->heartbeatAt;
        QTest::qWait(300); // no more heartbeats after stop()
        QCOMPARE(row(state)->heartbeatAt, stoppedAt);
        QCOMPARE(row(state)->statusAt(QDateTime::currentDateTimeUtc()), QStringLiteral("stopped"));
    }
};

QTEST_GUILESS_MAIN(TestNodeRegistration)
#include "tst_noderegistration.moc"
