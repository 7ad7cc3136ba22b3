#include "core/errors.h"
#include "pgoutputcapture.h"
#include "sync/cdc/changedecoder.h"
#include "sync/cdc/changerow.h"

#include <QtTest>

using namespace tf;
using namespace tf::sync::cdc;
using namespace Qt::StringLiterals;

namespace {

// Writes what the decoder hands on as one line each, e.g. "begin 730", "insert parcel 1",
// "update parcel 1 notes=unchanged", "commit 0/1535830".
class Transcript final : public SourceChangeSink
{
public:
    void beginTransaction(const BeginMessage &begin) override
    {
        lines << QStringLiteral("begin %1").arg(begin.xid);
    }
    void change(const SourceChange &change) override
    {
        static const char *const kinds[] = { "insert", "update", "delete", "truncate" };
        QString line = QString::fromLatin1(kinds[int(change.kind)]);
        if (change.kind == SourceChange::Kind::Truncate) {
            for (const RelationPtr &relation : change.truncated)
                line += QLatin1Char(' ') + relation->name;
            lines << line;
            return;
        }
        line += QLatin1Char(' ') + change.relation->name;
        const Tuple &tuple
            = change.kind == SourceChange::Kind::Delete ? change.oldTuple : change.newTuple;
        line += QLatin1Char(' ') + QString::fromUtf8(tuple.value(0).text);
        if (change.oldKind != '\0')
            line += QStringLiteral(" old=%1:%2")
                        .arg(QLatin1Char(change.oldKind))
                        .arg(QString::fromUtf8(change.oldTuple.value(0).text));
        for (qsizetype i = 0; i < tuple.size(); ++i) {
            if (tuple[i].kind == TupleValue::Kind::Unchanged)
                line += QStringLiteral(" %1=unchanged").arg(change.relation->columns[i].name);
        }
        lines << line;
    }
    void commitTransaction(const CommitMessage &commit) override
    {
        lines << QStringLiteral("commit %1").arg(formatLsn(commit.endLsn));
    }
    void relationChanged(const RelationPtr &before, const RelationPtr &after) override
    {
        lines << QStringLiteral("schema change %1: %2 -> %3 columns")
                     .arg(after->name)
                     .arg(before->columns.size())
                     .arg(after->columns.size());
    }

    QStringList lines;
};

struct Fed
{
    QList<PgOutputMessage> messages;
    QList<Lsn> starts;
};

Fed capture()
{
    Fed fed;
    for (const test::CapturedMessage &captured : test::loadPgOutputCapture()) {
        fed.messages.append(parsePgOutput(captured.bytes));
        fed.starts.append(*parseLsn(captured.lsn));
    }
    return fed;
}

const QStringList kWholeCapture {
    u"begin 730"_s,
    u"insert parcel 1"_s,
    u"insert parcel 2"_s,
    u"commit 0/1535830"_s,
    u"begin 731"_s,
    u"update parcel 1 notes=unchanged"_s,
    u"commit 0/1535910"_s,
    u"begin 732"_s,
    u"update parcel 3 old=K:2"_s,
    u"commit 0/15359E0"_s,
    u"begin 733"_s,
    u"delete parcel 3 old=K:3"_s,
    u"commit 0/1535A58"_s,
    u"begin 734"_s,
    u"insert owner_link 1"_s,
    u"insert owner_link 1"_s,
    u"commit 0/1535C08"_s,
    u"begin 735"_s,
    u"update owner_link 1 old=O:1"_s,
    u"commit 0/1535CA8"_s,
    u"begin 736"_s,
    u"delete owner_link 1 old=O:1"_s,
    u"commit 0/1535D28"_s,
    u"begin 737"_s,
    u"truncate owner_link"_s,
    u"commit 0/1536A40"_s,
};

} // namespace

class TestChangeDecoder : public QObject
{
    Q_OBJECT

    Fed m_fed;

    QStringList run(Lsn appliedEnd, qint64 *skipped = nullptr)
    {
        Transcript transcript;
        ChangeDecoder decoder(transcript, appliedEnd);
        for (qsizetype i = 0; i < m_fed.messages.size(); ++i)
            decoder.decode(m_fed.messages[i], m_fed.starts[i]);
        if (skipped)
            *skipped = decoder.skippedTransactions();
        if (decoder.inTransaction())
            transcript.lines << QStringLiteral("<still in a transaction>");
        return transcript.lines;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_fed = capture();
        QCOMPARE(m_fed.messages.size(), 30);
    }

    void wholeStream()
    {
        qint64 skipped = -1;
        QCOMPARE(run(0, &skipped), kWholeCapture);
        QCOMPARE(skipped, 0);
    }

    // A restart streams from an older position than the consumer stored: exactly the
    // transactions it committed are skipped, whatever the stored position.
    void restartSkipsAppliedTransactions_data()
    {
        QTest::addColumn<QString>("applied");
        QTest::addColumn<int>("skipped");
        QTest::newRow("nothing applied") << u"0/0"_s << 0;
        QTest::newRow("first applied") << u"0/1535830"_s << 1;
        QTest::newRow("up to the rename") << u"0/1535910"_s << 2;
        QTest::newRow("all but the truncate") << u"0/1535D28"_s << 7;
        QTest::newRow("all") << u"0/1536A40"_s << 8;
        // A keepalive position stored between transactions: nothing before it is applied again.
        QTest::newRow("idle position past the third") << u"0/15359F0"_s << 3;
    }

    void restartSkipsAppliedTransactions()
    {
        QFETCH(QString, applied);
        QFETCH(int, skipped);
        qint64 counted = -1;
        const QStringList lines = run(*parseLsn(applied), &counted);
        QCOMPARE(counted, skipped);
        // What remains is exactly the tail of the whole transcript, from a Begin on.
        int transactions = 0;
        qsizetype from = 0;
        while (transactions < skipped) {
            if (kWholeCapture[from].startsWith(QLatin1String("commit")))
                ++transactions;
            ++from;
        }
        QCOMPARE(lines, kWholeCapture.mid(from));
    }

    void relationsFromSkippedTransactionsAreKept()
    {
        Transcript transcript;
        ChangeDecoder decoder(transcript, *parseLsn(u"0/1536A40"));
        for (qsizetype i = 0; i < m_fed.messages.size(); ++i)
            decoder.decode(m_fed.messages[i], m_fed.starts[i]);
        QVERIFY(transcript.lines.isEmpty());
        QCOMPARE(decoder.relation(0x4005)->name, QStringLiteral("parcel"));
        QCOMPARE(decoder.relation(0x400c)->name, QStringLiteral("owner_link"));
        QCOMPARE(decoder.appliedEnd(), *parseLsn(u"0/1536A40"));
    }

    void schemaChangeIsReported()
    {
        Transcript transcript;
        ChangeDecoder decoder(transcript, 0);
        RelationMessage parcel = std::get<RelationMessage>(m_fed.messages[2]);
        decoder.decode(parcel, 1);
        decoder.decode(parcel, 2); // the same shape again (a new session): nothing to report
        QVERIFY(transcript.lines.isEmpty());
        parcel.columns.append({ false, QStringLiteral("zoning"), 25, -1 });
        decoder.decode(parcel, 3);
        QCOMPARE(transcript.lines, QStringList { u"schema change parcel: 5 -> 6 columns"_s });
        RelationMessage retyped = std::get<RelationMessage>(m_fed.messages[2]);
        retyped.columns[4].typeModifier = (14 << 16) + 2 + 4;
        QVERIFY(!sameShape(retyped, std::get<RelationMessage>(m_fed.messages[2])));
        RelationMessage rekeyed = std::get<RelationMessage>(m_fed.messages[2]);
        rekeyed.replicaIdentity = 'f';
        QVERIFY(!sameShape(rekeyed, std::get<RelationMessage>(m_fed.messages[2])));
    }

    void protocolBreaksAreRefused_data()
    {
        QTest::addColumn<QList<int>>("sequence"); // indexes into the capture
        QTest::addColumn<QString>("problem");
        QTest::newRow("insert outside a transaction")
            << QList<int> { 1, 2, 3 } << u"Insert outside a transaction"_s;
        QTest::newRow("begin inside a transaction")
            << QList<int> { 0, 6 } << u"Begin inside a transaction"_s;
        QTest::newRow("commit without begin")
            << QList<int> { 5 } << u"Commit outside a transaction"_s;
        QTest::newRow("unknown relation") << QList<int> { 0, 3 } << u"never described"_s;
        QTest::newRow("truncate of an unknown relation")
            << QList<int> { 26, 28 } << u"never described"_s;
        // owner_link's insert against parcel's description (3 columns against 5).
        QTest::newRow("tuple of the wrong width")
            << QList<int> { 2, 0, -17 } << u"a tuple of 3 columns"_s;
    }

    void protocolBreaksAreRefused()
    {
        QFETCH(QList<int>, sequence);
        QFETCH(QString, problem);
        Transcript transcript;
        ChangeDecoder decoder(transcript, 0);
        try {
            for (const int index : sequence) {
                if (index < 0) { // -17: message 17 addressed to parcel's relation id
                    InsertMessage insert = std::get<InsertMessage>(m_fed.messages[-index]);
                    insert.relationId = 0x4005;
                    decoder.decode(insert, 1);
                } else {
                    decoder.decode(m_fed.messages[index], m_fed.starts[index]);
                }
            }
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(problem), qPrintable(error.message()));
        }
    }
    // The captured changes as rows of the columns a pair reads (any subset, any order).
    void changeRows()
    {
        class Collector final : public SourceChangeSink
        {
        public:
            void beginTransaction(const BeginMessage &) override { }
            void change(const SourceChange &change) override { changes.append(change); }
            void commitTransaction(const CommitMessage &) override { }
            void relationChanged(const RelationPtr &, const RelationPtr &) override { }
            QList<SourceChange> changes;
        } collector;
        ChangeDecoder decoder(collector, 0);
        for (qsizetype i = 0; i < m_fed.messages.size(); ++i)
            decoder.decode(m_fed.messages[i], m_fed.starts[i]);
        QCOMPARE(collector.changes.size(), 10);
        using sync::Column;
        using sync::ValueType;
        const sync::Schema parcel({ Column { u"value"_s, ValueType::Decimal, true },
                                    Column { u"id"_s, ValueType::Integer, false },
                                    Column { u"notes"_s, ValueType::Text, true },
                                    Column { u"name"_s, ValueType::Text, true } });
        const QStringList key { u"id"_s };

        const ChangeRow inserted = toChangeRow(collector.changes[0], parcel, key);
        QCOMPARE(inserted.row[0], QVariant(u"12.5"_s)); // numeric in canonical form
        QCOMPARE(inserted.row[1], QVariant(qint64(1)));
        QCOMPARE(inserted.row[2].toString().size(), 10000);
        QCOMPARE(inserted.key, sync::KeyValues { qint64(1) });
        QVERIFY(!inserted.hasUnchanged());

        const ChangeRow nulls = toChangeRow(collector.changes[1], parcel, key);
        QVERIFY(nulls.row[0].isNull() && nulls.row[2].isNull() && nulls.row[3].isNull());

        // The TOASTed notes were not sent: marked, not NULL.
        const ChangeRow renamed = toChangeRow(collector.changes[2], parcel, key);
        QCOMPARE(renamed.unchanged, (QList<bool> { false, false, true, false }));
        QCOMPARE(renamed.row[3], QVariant(u"Main Street"_s));
        QVERIFY(renamed.oldKey.isEmpty());

        const ChangeRow rekeyed = toChangeRow(collector.changes[3], parcel, key);
        QCOMPARE(rekeyed.key, sync::KeyValues { qint64(3) });
        QCOMPARE(rekeyed.oldKey, sync::KeyValues { qint64(2) });

        // REPLICA IDENTITY DEFAULT: a delete carries the key only.
        const ChangeRow deleted = toChangeRow(collector.changes[4], parcel, key);
        QCOMPARE(deleted.kind, SourceChange::Kind::Delete);
        QCOMPARE(deleted.key, sync::KeyValues { qint64(3) });
        QVERIFY(deleted.row[0].isNull());

        // REPLICA IDENTITY FULL, composite key: an update that keeps the key has no old key.
        const sync::Schema link({ Column { u"owner_id"_s, ValueType::Integer, false },
                                  Column { u"parcel_id"_s, ValueType::Integer, false },
                                  Column { u"share"_s, ValueType::Decimal, true } });
        const QStringList linkKey { u"parcel_id"_s, u"owner_id"_s };
        const ChangeRow share = toChangeRow(collector.changes[7], link, linkKey);
        QCOMPARE(share.key, (sync::KeyValues { qint64(1), qint64(7) }));
        QVERIFY(share.oldKey.isEmpty());
        QCOMPARE(share.row[2], QVariant(u"0.25"_s));
        const ChangeRow gone = toChangeRow(collector.changes[8], link, linkKey);
        QCOMPARE(gone.key, (sync::KeyValues { qint64(1), qint64(8) }));
        QCOMPARE(gone.row[2], QVariant(u"0.5"_s)); // FULL: the whole old row

        // A column the pair reads that the table lost; a key the change cannot give.
        const sync::Schema lost({ Column { u"id"_s, ValueType::Integer, false },
                                  Column { u"zoning"_s, ValueType::Text, true } });
        QVERIFY_THROWS_EXCEPTION(Error, toChangeRow(collector.changes[0], lost, key));
        QVERIFY_THROWS_EXCEPTION(Error, toChangeRow(collector.changes[4], parcel, { u"name"_s }));
        QVERIFY_THROWS_EXCEPTION(Error, toChangeRow(collector.changes[2], parcel, { u"notes"_s }));
        QVERIFY_THROWS_EXCEPTION(Error, toChangeRow(collector.changes[9], parcel, key)); // truncate
    }
};

QTEST_GUILESS_MAIN(TestChangeDecoder)
#include "tst_changedecoder.moc"
