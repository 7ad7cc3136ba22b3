// The row hash hash mode compares (rowHash): equal rows hash alike, and every change of value,
// NULL versus any text included, changes it (issue 11: no change may go unseen).
#include "sync/connectors/postgrestypes.h"
#include "sync/row.h"

#include <QCryptographicHash>

#include <QtTest>

using namespace tf::sync;

namespace {

// Rows of every type with awkward values, for pinned hashes (tst_rowhash).
inline Schema goldenSchema()
{
    return Schema({ Column { QStringLiteral("t"), ValueType::Text }, Column { QStringLiteral("i"), ValueType::Integer },
                    Column { QStringLiteral("n"), ValueType::Decimal }, Column { QStringLiteral("f"), ValueType::Double },
                    Column { QStringLiteral("b"), ValueType::Boolean }, Column { QStringLiteral("d"), ValueType::Date },
                    Column { QStringLiteral("ts"), ValueType::Timestamp }, Column { QStringLiteral("tz"), ValueType::TimestampTz },
                    Column { QStringLiteral("by"), ValueType::Bytes }, Column { QStringLiteral("u"), ValueType::Uuid },
                    Column { QStringLiteral("j"), ValueType::Json } });
}

inline QList<Row> goldenRows()
{
    using K = TimeValue::Kind;
    return {
        Row { QStringLiteral("tab\there\nnew\\back \u00e9 \U0001F600 \"q\" (a,b)"), qint64(-9223372036854775807LL - 1),
              QStringLiteral("-123456789012345678901234567890.000000000000000000001"), -0.0, true,
              TimeValue::fromDays(-2440588).toVariant(), TimeValue::fromMicros(K::Timestamp, 1234567).toVariant(),
              TimeValue::infinity(K::TimestampTz, true).toVariant(), QByteArray("\x00\x01\\N\xff", 5),
              QStringLiteral("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), QStringLiteral("{ \"a\" : [1, 2.50] }") },
        Row { QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(),
              QVariant(), QVariant(), QVariant() },
        Row { QString(QLatin1String("")), qint64(9223372036854775807LL), QStringLiteral("NaN"),
              std::numeric_limits<double>::quiet_NaN(), false, TimeValue::infinity(K::Date, false).toVariant(),
              TimeValue::fromMicros(K::Timestamp, -211813488000000000LL).toVariant(),
              TimeValue::fromMicros(K::TimestampTz, 9223371331200000000LL - 1).toVariant(), QByteArray(""),
              QStringLiteral("00000000-0000-0000-0000-000000000000"), QStringLiteral("\"\"") },
        Row { QStringLiteral("\\N"), qint64(0), QStringLiteral("0.5"), 1e-300, true, TimeValue::fromDays(0).toVariant(),
              TimeValue::fromMicros(K::Timestamp, 0).toVariant(), TimeValue::fromMicros(K::TimestampTz, -1).toVariant(),
              QByteArray("x"), QVariant(), QStringLiteral("null") },
        Row { QStringLiteral("N;"), qint64(42), QStringLiteral("Infinity"), std::numeric_limits<double>::infinity(), false,
              TimeValue::fromDays(2932896).toVariant(), TimeValue::infinity(K::Timestamp, false).toVariant(),
              TimeValue::fromMicros(K::TimestampTz, 86400000000LL * 365 + 123).toVariant(), QVariant(),
              QStringLiteral("ffffffff-ffff-ffff-ffff-ffffffffffff"), QStringLiteral("[\"\\u0000\", 1e400]") },
    };
}

} // namespace

class TestRowHash final : public QObject
{
    Q_OBJECT

private slots:
    void nullIsNoText()
    {
        const Schema schema({ Column { QStringLiteral("a"), ValueType::Text, true } });
        const QByteArray null = rowHash(Row { QVariant() }, schema);
        QVERIFY(null != rowHash(Row { QStringLiteral("\\N") }, schema)); // what canonicalValue writes for NULL
        QVERIFY(null != rowHash(Row { QString(QLatin1String("")) }, schema));
        QVERIFY(null != rowHash(Row { QStringLiteral("N;") }, schema));
        QCOMPARE(null, rowHash(Row { QVariant() }, schema));
    }

    void valuesDoNotRunIntoEachOther()
    {
        const Schema two({ Column { QStringLiteral("a"), ValueType::Text, true },
                           Column { QStringLiteral("b"), ValueType::Text, true } });
        QVERIFY(rowHash(Row { QStringLiteral("ab"), QStringLiteral("c") }, two)
                != rowHash(Row { QStringLiteral("a"), QStringLiteral("bc") }, two));
        QVERIFY(rowHash(Row { QVariant(), QStringLiteral("N;") }, two) != rowHash(Row { QStringLiteral("N;"), QVariant() }, two));
        QCOMPARE(rowHash(Row { QStringLiteral("x"), QVariant() }, two), rowHash(Row { QStringLiteral("x"), QVariant() }, two));
    }

    // Hashes are stored (sync state) and compared with the source's (recordHash): the bytes
    // they cover must never change, or every row would look changed. Pinned from the
    // implementation before the allocation-light rewrite; COPY input text likewise.
    void pinnedHashesAndCopyText()
    {
        const QList<QByteArray> rowHashes { "eb8ebd5d48de786c8adce88a09e51246", "75d5a070e78800b5e959172004ddb568",
                                            "d28d498d4773ef19593a778e65b00257", "32963aecf01651d3749dda5ddd7d7f87",
                                            "9e00d55f83583dd9b8e97d76ff9b4e29" };
        const QList<QByteArray> recordHashes { "c4129067b018c9df55bb3c1511e5eca3", "196fe37e299898e685b81c47b3a5cc60",
                                               "1c7efebf139dc962b3fb4778aec32d1d", "e88f9eeb54127ceb1de743017e3b491a",
                                               "c2dc22a5104a71830c7485e3a7723bfa" };
        const Schema schema = goldenSchema();
        const QList<Row> rows = goldenRows();
        QByteArray copy;
        for (qsizetype r = 0; r < rows.size(); ++r) {
            QCOMPARE(rowHash(rows.at(r), schema), rowHashes.at(r));
            QCOMPARE(pg::recordHash(rows.at(r), schema), recordHashes.at(r));
            for (int i = 0; i < schema.size(); ++i) {
                pg::appendCopyField(copy, rows.at(r).at(i), schema.at(i).type, schema.at(i).name);
                copy += i + 1 < schema.size() ? '\t' : '\n';
            }
        }
        QCOMPARE(QCryptographicHash::hash(copy, QCryptographicHash::Md5).toHex(),
                 QByteArray("63c715f562da21ca5c4a9b9087e0baed"));
    }

    // appendCopyString (the state's keys, text-like COPY fields) writes the bytes that
    // appendCopyText writes for the text's UTF-8, ASCII or not, after what the buffer holds.
    void copyStringIsCopyTextOfUtf8()
    {
        const QList<QString> texts { QString(), QString(QLatin1String("")), QStringLiteral("12345"),
                                     QStringLiteral("tab\there\nnew\rcr\\back \\N"), QStringLiteral("\u00e9t\u00e9"),
                                     QStringLiteral("a\t\u00e9\\\U0001F600\n"), QStringLiteral("-9223372036854775808"),
                                     QString(300, QLatin1Char('\\')) };
        for (const QString &text : texts) {
            QByteArray fromString("prefix\t");
            QByteArray fromUtf8("prefix\t");
            pg::appendCopyString(fromString, text);
            pg::appendCopyText(fromUtf8, text.toUtf8());
            QCOMPARE(fromString, fromUtf8);
        }
        QByteArray out;
        pg::appendCopyString(out, QStringLiteral("a\tb\\c\r\n\u00e9"));
        QCOMPARE(out, QByteArray("a\\tb\\\\c\\r\\n\xc3\xa9"));
        QByteArray none;
        pg::appendCopyString(none, QString()); // NULL is the caller's \N; a null text is ''
        pg::appendCopyString(none, QString(QLatin1String("")));
        QCOMPARE(none, QByteArray(""));
    }

    // cannotHold's numeric(p,s) check (per value on the full sync's path, checked without
    // copies): what fits passes, rounding and overflow are refused with their message.
    void cannotHoldNumeric()
    {
        const auto column = [](int precision, int scale) {
            pg::PgColumn c;
            c.name = QStringLiteral("amount");
            c.type = ValueType::Decimal;
            c.sqlType = c.baseName = QStringLiteral("numeric");
            c.typmod = ((precision << 16) | (scale & 0x7ff)) + 4;
            return c;
        };
        const pg::PgColumn n142 = column(14, 2);
        const auto check = [](const QString &text, const pg::PgColumn &c) { return pg::cannotHold(text, c); };
        QCOMPARE(check(QStringLiteral("123456789012.34"), n142), QString());
        QCOMPARE(check(QStringLiteral("-123456789012.34"), n142), QString());
        QCOMPARE(check(QStringLiteral("-0.5"), n142), QString());
        QCOMPARE(check(QStringLiteral("0"), n142), QString());
        QCOMPARE(check(QStringLiteral("NaN"), n142), QString());
        QCOMPARE(pg::cannotHold(QVariant(), n142), QString());
        QCOMPARE(check(QStringLiteral("1234567890123.4"), n142),
                 QStringLiteral("1234567890123.4 does not fit in numeric(14,2)"));
        QCOMPARE(check(QStringLiteral("-0.125"), n142),
                 QStringLiteral("-0.125 would be rounded to 2 decimal places by numeric(14,2)"));
        QCOMPARE(check(QStringLiteral("-Infinity"), n142), QStringLiteral("-Infinity does not fit in numeric(14,2)"));
        const pg::PgColumn n5m2 = column(5, -2); // PostgreSQL 15: a negative scale rounds to hundreds
        QCOMPARE(check(QStringLiteral("-1200"), n5m2), QString());
        QCOMPARE(check(QStringLiteral("1250"), n5m2),
                 QStringLiteral("1250 would be rounded to -2 decimal places by numeric(5,-2)"));
        QCOMPARE(check(QStringLiteral("123456700"), n5m2), QStringLiteral("123456700 does not fit in numeric(5,-2)"));
    }
};

QTEST_GUILESS_MAIN(TestRowHash)
#include "tst_rowhash.moc"
