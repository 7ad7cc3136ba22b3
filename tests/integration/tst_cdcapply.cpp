#include "cdccluster.h"
#include "core/errors.h"
#include "sync/cdc/cdcpositionstore.h"
#include "sync/cdc/cdctargetwriter.h"
#include "sync/cdc/pgoutputvalues.h"
#include "sync/cdc/pgreplicationconnection.h"
#include "sync/cdc/pgsourcecatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/timevalue.h"
#include "testsupport.h"
#include "tst_typefidelity.h"

#include <QtTest>
#include <memory>

using namespace tf;
using namespace tf::sync::cdc;
using test::Recorder;

// The target side of cdc mode against a cluster the test starts: streamed values equal the
// full load's, the position store, the target writer.
class TestCdcApply : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    std::unique_ptr<db::Database> m_source;
    db::DatabaseUrl m_url;

    std::unique_ptr<PgReplicationConnection> connectReplication()
    {
        return std::make_unique<PgReplicationConnection>(m_url);
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        m_url = db::DatabaseUrl::parse(m_cluster->url());
        m_source = std::make_unique<db::Database>(m_url);
    }

    void cleanupTestCase()
    {
        m_source.reset();
        m_cluster.reset();
    }

    // Every value class of the type-fidelity matrix, streamed and converted, equals what the
    // full load reads for the same row: a pair that snapshots then streams sees one truth.
    void typeFidelityMatchesFullLoad()
    {
        const QString table = QStringLiteral("fidelity");
        m_source->execDirect(
            QStringLiteral("CREATE TABLE %1 %2").arg(table, QString::fromUtf8(fidelity::kColumns)),
            "setup");
        PgSourceCatalog catalog(*m_source);
        catalog.ensurePublication(QStringLiteral("tf_fidelity_pub"), QStringLiteral("public"),
                                  { table });
        auto connection = connectReplication();
        const CreatedSlot slot = connection->createSlot(QStringLiteral("tf_fidelity"));
        m_source->execDirect(QStringLiteral("INSERT INTO %1 VALUES %2")
                                 .arg(table, QString::fromUtf8(fidelity::kRows)),
                             "insert");
        connection->startReplication(slot.name, slot.consistentPoint,
                                     { QStringLiteral("tf_fidelity_pub") });
        Recorder recorder;
        PgReplicationStream stream(std::move(connection), recorder, slot.consistentPoint, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(recorder.commits, 1, 10000);
        stream.stop();

        sync::PostgresConnector connector(sync::SystemSettings {
            QStringLiteral("postgres"), { { QStringLiteral("url"), m_cluster->url() } }, {} });
        const sync::EntityDescription description = connector.describe(table);
        const sync::Schema &schema = description.schema;
        QHash<QByteArray, sync::Row> loaded; // by the key's canonical text
        const auto keyText = [&](const sync::Row &row) {
            QByteArray key;
            for (const QString &column : description.keyColumns) {
                const int index = schema.indexOf(column);
                key += sync::canonicalValue(row[index], schema.at(index).type) + '|';
            }
            return key;
        };
        connector.readAll(sync::ReadRequest { table, {}, description.keyColumns, 1000 },
                          [&](const sync::RowBatch &batch) {
                              for (const sync::Row &row : batch.rows)
                                  loaded.insert(keyText(row), row);
                              return true;
                          });
        const RelationMessage relation = recorder.all<RelationMessage>().value(0);
        const QList<InsertMessage> inserts = recorder.all<InsertMessage>();
        QCOMPARE(inserts.size(), loaded.size());
        QVERIFY(inserts.size() >= 19);
        QCOMPARE(relation.columns.size(), schema.size());
        for (const InsertMessage &insert : inserts) {
            sync::Row row(schema.size());
            for (int i = 0; i < schema.size(); ++i) {
                const RelationColumn &column = relation.columns[i];
                QCOMPARE(column.name, schema.at(i).name);
                if (insert.newTuple[i].kind == TupleValue::Kind::Text)
                    row[i] = valueFromOutputText(insert.newTuple[i].text, schema.at(i).type,
                                                 column.typeOid, column.name);
                else
                    QCOMPARE(insert.newTuple[i].kind, TupleValue::Kind::Null);
            }
            const QByteArray key = keyText(row);
            QVERIFY2(loaded.contains(key), key.constData());
            const sync::Row &expected = loaded.value(key);
            for (int i = 0; i < schema.size(); ++i) {
                const sync::ValueType type = schema.at(i).type;
                QVERIFY2(sync::canonicalValue(row[i], type)
                             == sync::canonicalValue(expected[i], type),
                         qPrintable(
                             QStringLiteral("row %1, column %2: streamed '%3', loaded '%4'")
                                 .arg(QString::fromUtf8(key), schema.at(i).name,
                                      QString::fromUtf8(sync::canonicalValue(row[i], type)),
                                      QString::fromUtf8(sync::canonicalValue(expected[i], type)))));
            }
            QCOMPARE(sync::rowHash(row, schema), sync::rowHash(expected, schema));
        }
        connectReplication()->dropSlot(slot.name);
        catalog.dropPublication(QStringLiteral("tf_fidelity_pub"));
    }

    // The target's record of where it stands moves with the target's transactions, and
    // never backwards.
    void positionStore()
    {
        m_source->execDirect(QStringLiteral("CREATE SCHEMA IF NOT EXISTS \"Target Schema\""),
                             "setup");
        CdcPositionStore store(*m_source, QStringLiteral("Target Schema"));
        store.ensureTable();
        store.ensureTable(); // a second time changes nothing
        const QString pair = QStringLiteral("7");
        QVERIFY(!store.load(pair, QStringLiteral("tf_pair_7")));
        const StoredPosition first { QStringLiteral("tf_pair_7"), QStringLiteral("7301"), 1,
                                     0x16B374D848ull };
        {
            db::Transaction rolledBack(*m_source);
            QVERIFY(store.save(pair, first));
            QVERIFY(store.load(pair, first.slot)); // visible inside its transaction
            rolledBack.rollback();
        }
        QVERIFY(!store.load(pair, first.slot));
        {
            db::Transaction committed(*m_source);
            QVERIFY(store.save(pair, first));
            committed.commit();
        }
        auto loaded = store.load(pair, first.slot);
        QVERIFY(loaded);
        QCOMPARE(loaded->appliedEnd, first.appliedEnd);
        QCOMPARE(loaded->systemId, first.systemId);
        QCOMPARE(loaded->timeline, 1);
        QCOMPARE(loaded->slot, first.slot);

        StoredPosition older = first;
        older.appliedEnd = first.appliedEnd - 1;
        QVERIFY(!store.save(pair, older));
        QCOMPARE(store.load(pair, first.slot)->appliedEnd, first.appliedEnd);
        QVERIFY(store.save(pair, first)); // the same position again: an idle keepalive
        StoredPosition newer = first;
        newer.appliedEnd = 0x1700000000ull;
        newer.timeline = 2;
        QVERIFY(store.save(pair, newer));
        QCOMPARE(store.load(pair, first.slot)->appliedEnd, newer.appliedEnd);
        QCOMPARE(store.load(pair, first.slot)->timeline, 2);
        // Another pair, or another slot of the same pair, is another row.
        QVERIFY(!store.load(QStringLiteral("8"), first.slot));
        QVERIFY(!store.load(pair, QStringLiteral("tf_pair_7_b")));
        store.remove(pair, first.slot);
        QVERIFY(!store.load(pair, first.slot));
    }

    // Changes written inside the caller's transaction; an update leaves the values the source
    // did not send untouched, never NULL.
    void targetWriter()
    {
        m_source->execDirect(QStringLiteral("CREATE SCHEMA IF NOT EXISTS \"Target Schema\""),
                             "setup");
        m_source->execDirect(
            QStringLiteral("CREATE TABLE \"Target Schema\".\"Copy\" (region text, id bigint, "
                           "at timestamptz, amount numeric(12,2), notes text, raw bytea, "
                           "PRIMARY KEY (region, id))"),
            "setup");
        using sync::Column;
        using sync::ValueType;
        auto schema = std::make_shared<const sync::Schema>(
            QList<Column> { { QStringLiteral("region"), ValueType::Text, false },
                            { QStringLiteral("id"), ValueType::Integer, false },
                            { QStringLiteral("at"), ValueType::TimestampTz, true },
                            { QStringLiteral("amount"), ValueType::Decimal, true },
                            { QStringLiteral("notes"), ValueType::Text, true },
                            { QStringLiteral("raw"), ValueType::Bytes, true } });
        CdcTargetWriter writer(*m_source, QStringLiteral("Target Schema"), QStringLiteral("Copy"),
                               schema, { QStringLiteral("region"), QStringLiteral("id") });
        const auto at = sync::TimeValue::parse(QStringLiteral("0044-03-15 12:00:00.5+00 BC"),
                                               sync::TimeValue::Kind::TimestampTz)
                            .toVariant();
        const QString big(20000, QLatin1Char('n'));
        const auto row
            = [&](const QString &region, qint64 id, const QVariant &amount, const QVariant &notes) {
                  return sync::Row { region, id, at, amount, notes, QByteArray("\x00\xff", 2) };
              };
        const auto read = [&](const QString &region, qint64 id) {
            QSqlQuery query = m_source->prepare(QStringLiteral(
                "SELECT at::text, coalesce(amount::text, 'NULL'), coalesce(length(notes)::text, "
                "'NULL'), "
                "coalesce(notes, '<null>') = "
                "repeat('n', 20000), "
                "encode(raw, 'hex') FROM \"Target Schema\".\"Copy\" WHERE region = ? AND id = ?"));
            query.addBindValue(region);
            query.addBindValue(id);
            m_source->exec(query, "read");
            return query.next()
                ? QStringList { query.value(0).toString(), query.value(1).toString(),
                                query.value(2).toString(), query.value(3).toString(),
                                query.value(4).toString() }
                : QStringList();
        };
        {
            db::Transaction transaction(*m_source);
            writer.upsert(row(QStringLiteral("north"), 1, QStringLiteral("12.5"), big));
            transaction.rollback();
        }
        QVERIFY(read(QStringLiteral("north"), 1).isEmpty());
        db::Transaction transaction(*m_source);
        writer.upsert(row(QStringLiteral("north"), 1, QStringLiteral("12.5"), big));
        QCOMPARE(read(QStringLiteral("north"), 1),
                 (QStringList { QStringLiteral("0044-03-15 12:00:00.5+00 BC"),
                                QStringLiteral("12.50"), QStringLiteral("20000"),
                                QStringLiteral("true"), QStringLiteral("00ff") }));
        // The notes were not sent: untouched, while the amount changes.
        const QList<bool> notesUnchanged { false, false, false, false, true, false };
        QVERIFY(writer.update(row(QStringLiteral("north"), 1, QStringLiteral("13"), QVariant()),
                              notesUnchanged, { QStringLiteral("north"), qint64(1) }));
        QCOMPARE(read(QStringLiteral("north"), 1).mid(1, 3),
                 (QStringList { QStringLiteral("13.00"), QStringLiteral("20000"),
                                QStringLiteral("true") }));
        // A full update writes NULL where the source has NULL.
        writer.upsert(row(QStringLiteral("north"), 1, QVariant(), QVariant()));
        QCOMPARE(read(QStringLiteral("north"), 1).mid(1, 3),
                 (QStringList { QStringLiteral("NULL"), QStringLiteral("NULL"),
                                QStringLiteral("false") }));
        writer.upsert(row(QStringLiteral("north"), 1, QStringLiteral("1"), big));
        // A key change moves the row; the old key is gone.
        QVERIFY(writer.update(row(QStringLiteral("south"), 1, QStringLiteral("2"), QVariant()),
                              notesUnchanged, { QStringLiteral("north"), qint64(1) }));
        QVERIFY(read(QStringLiteral("north"), 1).isEmpty());
        QCOMPARE(read(QStringLiteral("south"), 1).value(3), QStringLiteral("true"));
        // No row with the key: the caller has to know (it cannot write the row whole).
        QVERIFY(!writer.update(row(QStringLiteral("east"), 9, QStringLiteral("2"), QVariant()),
                               notesUnchanged, { QStringLiteral("east"), qint64(9) }));
        QVERIFY(!writer.update(row(QStringLiteral("east"), 9, QVariant(), QVariant()),
                               QList<bool>(6, true), { QStringLiteral("east"), qint64(9) }));
        QVERIFY(writer.update(row(QStringLiteral("south"), 1, QVariant(), QVariant()),
                              QList<bool>(6, true), { QStringLiteral("south"), qint64(1) }));
        QVERIFY(read(QStringLiteral("east"), 9).isEmpty());
        QVERIFY(writer.remove({ QStringLiteral("south"), qint64(1) }));
        QVERIFY(!writer.remove({ QStringLiteral("south"), qint64(1) }));
        QVERIFY(read(QStringLiteral("south"), 1).isEmpty());
        transaction.commit();
    }
};

QTEST_GUILESS_MAIN(TestCdcApply)
#include "tst_cdcapply.moc"
