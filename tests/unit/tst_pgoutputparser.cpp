#include "core/errors.h"
#include "pgoutputcapture.h"
#include "sync/cdc/lsn.h"
#include "sync/cdc/pgoutputparser.h"
#include "sync/cdc/pgoutputvalues.h"

#include <QtTest>
#include <cmath>

using namespace tf;
using namespace tf::sync::cdc;
using namespace Qt::StringLiterals;

namespace {

using Captured = test::CapturedMessage;

template<typename T> T as(const PgOutputMessage &message)
{
    if (!std::holds_alternative<T>(message))
        qFatal("unexpected message %s", qPrintable(pgOutputMessageName(message)));
    return std::get<T>(message);
}

QByteArray textOf(const TupleValue &value)
{
    return value.kind == TupleValue::Kind::Text ? value.text : QByteArray("<not text>");
}

} // namespace

class TestPgOutputParser : public QObject
{
    Q_OBJECT

    QList<Captured> m_capture;
    QList<PgOutputMessage> m_messages;

private Q_SLOTS:
    void initTestCase()
    {
        m_capture = test::loadPgOutputCapture();
        QCOMPARE(m_capture.size(), 30);
        for (const Captured &captured : std::as_const(m_capture))
            m_messages.append(parsePgOutput(captured.bytes));
    }

    void lsnSpelling()
    {
        QCOMPARE(formatLsn(0x16B374D848ull), QStringLiteral("16/B374D848"));
        QCOMPARE(formatLsn(0), QStringLiteral("0/0"));
        QCOMPARE(parseLsn(u"16/B374D848"), std::optional<Lsn>(0x16B374D848ull));
        QCOMPARE(parseLsn(u"0/1535aa0"), std::optional<Lsn>(0x1535AA0ull));
        QCOMPARE(parseLsn(u"FFFFFFFF/FFFFFFFF"), std::optional<Lsn>(~0ull));
        QVERIFY(!parseLsn(u""));
        QVERIFY(!parseLsn(u"1535AA0"));
        QVERIFY(!parseLsn(u"0/"));
        QVERIFY(!parseLsn(u"/1"));
        QVERIFY(!parseLsn(u"0/-1"));
        QVERIFY(!parseLsn(u"0/ 1"));
        QVERIFY(!parseLsn(u"0/1G"));
        QVERIFY(!parseLsn(u"100000000/0"));
        for (const Captured &captured : std::as_const(m_capture))
            QCOMPARE(formatLsn(*parseLsn(captured.lsn)), captured.lsn);
        // 2000-01-01 is the protocol's epoch.
        QCOMPARE(toPgEpochMicros(946684800000), 0);
        QCOMPARE(fromPgEpochMicros(1000), 946684800001);
    }

    void beginAndCommit()
    {
        const BeginMessage begin = as<BeginMessage>(m_messages[0]);
        QCOMPARE(begin.finalLsn, 0x1535800ull);
        QCOMPARE(begin.xid, 730u);
        QCOMPARE(begin.xid, m_capture[0].xid);
        const CommitMessage commit = as<CommitMessage>(m_messages[5]);
        QCOMPARE(commit.flags, quint8(0));
        QCOMPARE(commit.commitLsn, begin.finalLsn);
        QCOMPARE(commit.endLsn, 0x1535830ull);
        QCOMPARE(commit.commitTime, begin.commitTime);
        // The commit time is the capture's (December 2026), in microseconds since 2000.
        const QDateTime when
            = QDateTime::fromMSecsSinceEpoch(fromPgEpochMicros(commit.commitTime), Qt::UTC);
        QCOMPARE(when.date().year(), 2026);
        // Every transaction: Begin first, Commit last, the commit's LSN the begin's final LSN.
        Lsn previousEnd = 0;
        for (qsizetype i = 0; i < m_messages.size(); ++i) {
            if (!std::holds_alternative<CommitMessage>(m_messages[i]))
                continue;
            const CommitMessage each = std::get<CommitMessage>(m_messages[i]);
            qsizetype b = i;
            while (!std::holds_alternative<BeginMessage>(m_messages[b]))
                --b;
            QCOMPARE(std::get<BeginMessage>(m_messages[b]).finalLsn, each.commitLsn);
            QVERIFY(each.endLsn > each.commitLsn);
            QVERIFY(each.endLsn > previousEnd);
            previousEnd = each.endLsn;
        }
    }

    void typeAndRelation()
    {
        const TypeMessage type = as<TypeMessage>(m_messages[1]);
        QCOMPARE(type.typeOid, 0x4001u);
        QCOMPARE(type.schema, QStringLiteral("public"));
        QCOMPARE(type.name, QStringLiteral("zone_kind"));

        const RelationMessage parcel = as<RelationMessage>(m_messages[2]);
        QCOMPARE(parcel.relationId, 0x4005u);
        QCOMPARE(parcel.schema, QStringLiteral("public"));
        QCOMPARE(parcel.name, QStringLiteral("parcel"));
        QCOMPARE(parcel.replicaIdentity, 'd');
        QCOMPARE(parcel.columns.size(), 5);
        const QStringList names { u"id"_s, u"name"_s, u"zone"_s, u"notes"_s, u"value"_s };
        const QList<quint32> types { 20, 25, 0x4001, 25, 1700 };
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(parcel.columns[i].name, names[i]);
            QCOMPARE(parcel.columns[i].typeOid, types[i]);
            QCOMPARE(parcel.columns[i].isKey, i == 0);
        }
        QCOMPARE(parcel.columns[0].typeModifier, -1);
        QCOMPARE(parcel.columns[4].typeModifier, (12 << 16) + 2 + 4); // numeric(12,2)

        const RelationMessage link = as<RelationMessage>(m_messages[16]);
        QCOMPARE(link.name, QStringLiteral("owner_link"));
        QCOMPARE(link.replicaIdentity, 'f');
        // REPLICA IDENTITY FULL: every column is part of the identity.
        QCOMPARE(link.columns.size(), 3);
        for (const RelationColumn &column : link.columns)
            QVERIFY(column.isKey);
    }

    void insertsWithToastAndNulls()
    {
        const InsertMessage first = as<InsertMessage>(m_messages[3]);
        QCOMPARE(first.relationId, 0x4005u);
        QCOMPARE(first.newTuple.size(), 5);
        QCOMPARE(textOf(first.newTuple[0]), QByteArray("1"));
        QCOMPARE(textOf(first.newTuple[1]), QByteArray("Main St"));
        QCOMPARE(textOf(first.newTuple[2]), QByteArray("residential"));
        QCOMPARE(textOf(first.newTuple[3]), QByteArray(10000, 'x'));
        QCOMPARE(textOf(first.newTuple[4]), QByteArray("12.50"));

        const InsertMessage second = as<InsertMessage>(m_messages[4]);
        QCOMPARE(textOf(second.newTuple[0]), QByteArray("2"));
        QCOMPARE(second.newTuple[1].kind, TupleValue::Kind::Null);
        QCOMPARE(textOf(second.newTuple[2]), QByteArray("commercial"));
        QCOMPARE(second.newTuple[3].kind, TupleValue::Kind::Null);
        QCOMPARE(second.newTuple[4].kind, TupleValue::Kind::Null);
    }

    void updates()
    {
        // DEFAULT identity, key unchanged: no old tuple; the TOASTed notes were not sent.
        const UpdateMessage rename = as<UpdateMessage>(m_messages[7]);
        QCOMPARE(rename.oldKind, '\0');
        QVERIFY(rename.oldTuple.isEmpty());
        QCOMPARE(textOf(rename.newTuple[1]), QByteArray("Main Street"));
        QCOMPARE(rename.newTuple[3].kind, TupleValue::Kind::Unchanged);
        QVERIFY(rename.newTuple[3].text.isEmpty());
        QCOMPARE(textOf(rename.newTuple[4]), QByteArray("12.50"));

        // DEFAULT identity, key changed: the old key, other old columns NULL.
        const UpdateMessage rekey = as<UpdateMessage>(m_messages[10]);
        QCOMPARE(rekey.oldKind, 'K');
        QCOMPARE(textOf(rekey.oldTuple[0]), QByteArray("2"));
        for (int i = 1; i < 5; ++i)
            QCOMPARE(rekey.oldTuple[i].kind, TupleValue::Kind::Null);
        QCOMPARE(textOf(rekey.newTuple[0]), QByteArray("3"));
        QCOMPARE(textOf(rekey.newTuple[2]), QByteArray("commercial"));

        // FULL identity: the whole old row.
        const UpdateMessage share = as<UpdateMessage>(m_messages[21]);
        QCOMPARE(share.oldKind, 'O');
        QCOMPARE(textOf(share.oldTuple[2]), QByteArray("0.5"));
        QCOMPARE(textOf(share.newTuple[1]), QByteArray("7"));
        QCOMPARE(textOf(share.newTuple[2]), QByteArray("0.25"));
    }

    void deletesAndTruncate()
    {
        const DeleteMessage byKey = as<DeleteMessage>(m_messages[13]);
        QCOMPARE(byKey.relationId, 0x4005u);
        QCOMPARE(byKey.oldKind, 'K');
        QCOMPARE(textOf(byKey.oldTuple[0]), QByteArray("3"));
        QCOMPARE(byKey.oldTuple[2].kind, TupleValue::Kind::Null);

        const DeleteMessage full = as<DeleteMessage>(m_messages[24]);
        QCOMPARE(full.relationId, 0x400cu);
        QCOMPARE(full.oldKind, 'O');
        QCOMPARE(textOf(full.oldTuple[0]), QByteArray("1"));
        QCOMPARE(textOf(full.oldTuple[1]), QByteArray("8"));
        QCOMPARE(textOf(full.oldTuple[2]), QByteArray("0.5"));

        const TruncateMessage truncate = as<TruncateMessage>(m_messages[28]);
        QCOMPARE(truncate.relationIds, QList<quint32> { 0x400cu });
        QCOMPARE(truncate.options, quint8(0));
    }

    void malformedInputThrows_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("ends early");
        QTest::newRow("unknown type")
            << QByteArray("Z") << QStringLiteral("unknown message type 'Z'");
        // Each captured message cut one byte short.
        const QByteArray insert = QByteArray::fromHex(
            "49000040054e00057400000001326e740000000a636f6d6d65726369616c6e6e");
        QTest::newRow("insert cut") << insert.chopped(1) << QStringLiteral("ends early");
        QTest::newRow("insert with a byte left over")
            << insert + 'x' << QStringLiteral("left over");
        QByteArray binary = insert;
        binary[8] = 'b';
        QTest::newRow("binary value") << binary << QStringLiteral("unknown tuple value kind 'b'");
        QTest::newRow("relation name without NUL")
            << QByteArray::fromHex("52000040057075626c6963") << QStringLiteral("terminating NUL");
        // A value length far past the message.
        QTest::newRow("huge length")
            << QByteArray::fromHex("49000040054e00017400ffffff31") << QStringLiteral("ends early");
        QTest::newRow("truncate count past the end")
            << QByteArray::fromHex("54ffffffff00") << QStringLiteral("ends early");
        QTest::newRow("update without new tuple")
            << QByteArray::fromHex("55000040054b00016e5800016e")
            << QStringLiteral("without its new tuple");
    }

    void malformedInputThrows()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        try {
            parsePgOutput(bytes);
            QFAIL("no error");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(problem), qPrintable(error.message()));
            QVERIFY2(error.message().startsWith(QStringLiteral("pgoutput: ")),
                     qPrintable(error.message()));
        }
    }
    // The exact conversions are proven against the full load in tst_pgreplication; these
    // are the texts a value's type cannot hold.
    void outputTextValues()
    {
        using sync::ValueType;
        QCOMPARE(valueFromOutputText("t", ValueType::Boolean, 16, u"b"_s), QVariant(true));
        QCOMPARE(valueFromOutputText("f", ValueType::Boolean, 16, u"b"_s), QVariant(false));
        const double minusZero
            = valueFromOutputText("-0", ValueType::Double, 701, u"x"_s).toDouble();
        QVERIFY(minusZero == 0 && std::signbit(minusZero));
        QVERIFY(std::isnan(valueFromOutputText("NaN", ValueType::Double, 701, u"x"_s).toDouble()));
        QCOMPARE(valueFromOutputText("-Infinity", ValueType::Double, 701, u"x"_s).toDouble(),
                 -std::numeric_limits<double>::infinity());
        // A float4's shortest text is read as a float: 0.1f, not 0.1.
        QCOMPARE(valueFromOutputText("0.1", ValueType::Double, 700, u"x"_s).toDouble(),
                 double(0.1f));
        QCOMPARE(valueFromOutputText("0.1", ValueType::Double, 701, u"x"_s).toDouble(), 0.1);
        QCOMPARE(valueFromOutputText("\\x00ff", ValueType::Bytes, 17, u"b"_s).toByteArray(),
                 QByteArray::fromHex("00ff"));

        const QList<std::tuple<QByteArray, ValueType, quint32>> bad {
            { "true", ValueType::Boolean, 16 },
            { "1.5x", ValueType::Double, 701 },
            { "", ValueType::Double, 701 },
            { "1e39", ValueType::Double, 700 },
            { "0x10", ValueType::Double, 701 },
            { "2024-13-45", ValueType::Date, 1082 },
            { "yesterday", ValueType::TimestampTz, 1184 },
            { "00ff", ValueType::Bytes, 17 },
            { "\\x0", ValueType::Bytes, 17 },
            { "12a", ValueType::Integer, 20 },
            { "$1.00", ValueType::Decimal, 790 },
        };
        for (const auto &[text, type, oid] : bad) {
            try {
                valueFromOutputText(text, type, oid, u"col"_s);
                QFAIL(qPrintable(u"accepted '%1'"_s.arg(QString::fromUtf8(text))));
            } catch (const Error &error) {
                QCOMPARE(error.kind(), Error::Kind::Validation);
                QVERIFY2(error.message().contains(u"\"col\""_s), qPrintable(error.message()));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPgOutputParser)
#include "tst_pgoutputparser.moc"
