#pragma once

// The PostgreSQL connector test (one QtTest class in two files): types, nasty names and
// values, COPY + ON CONFLICT apply, streaming reads in tst_pgconnector.cpp; the state store,
// failures and lookups in tst_pgconnector_state.cpp.
#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/postgresconnector.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSqlQuery>
#include <QtTest>
#include <memory>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace pgtest {

const QString kOddSchema = u"tf \"odd\" Schema"_s;
const QString kSource = u"Select"_s;
const QString kTarget = u"my \"odd\" table"_s;

const char kNastyColumns[] = R"sql(("Key Text" text, "order" integer, "Note" text, amount numeric,
    tiny float8, precise numeric(40,20), "at" timestamptz, "day" date, flag boolean, blob bytea,
    id uuid, doc jsonb, "raw json" json, "plain ts" timestamp, small int2, big int8,
    fixed char(5), addr inet, PRIMARY KEY ("Key Text", "order")))sql";

const char kNastyRows[] = R"sql(
    ('alpha "quoted"', 1, E'\U0001F600 \u00e9\ttab\nline\\back\r', 123456789012.34, 1e-20,
     0.12345678901234567891, '2024-03-10 08:30:00.123+05:30', '2024-02-29', true,
     (SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), 'hex')
        FROM generate_series(0, 255) i),
     'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b": [1, 2.50, "x"], "a": null}',
     '{ "z" : 1,
        "a": "s p" }', '2001-02-03 04:05:06.789', -32768, 9223372036854775807, 'ab', '10.0.0.1/8'),
    ('alpha "quoted"', 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL),
    ('', 3, '', -0.5, -1.5e300, 1.00000000000000000001, '1999-12-31 23:59:59.999-08',
     '0001-01-01', false, '', '00000000-0000-0000-0000-000000000000', '[]', '""', '1970-01-01',
     0, -1, '', '::1'),
    ('select', 0, '\N', 0, 0, 0, '2024-06-01 00:00:00+00', '2024-06-01', false, '\x5c4e', NULL,
     'null', 'null', NULL, 1, 1, 'x', NULL))sql";

const char kNastyCompared[] = R"sql("Key Text", "order", "Note", amount, tiny, precise, "at",
    "day", flag, blob, id, doc, CAST("raw json" AS jsonb), "plain ts", small, big, fixed, addr)sql";

inline qint64 rssKb()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

inline QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\""))
        + QLatin1Char('"');
}

} // namespace pgtest

using namespace pgtest;

class TestPgConnector final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void memoryStaysBoundedWhileStreaming(); // first, before other tests warm the heap
    void settingsBuildTheUrl();
    void describeMapsEveryType_data();
    void describeMapsEveryType();
    void nastyRoundTripKeepsEveryValue();
    void emptyTableReadsNothing();
    void applyIsIdempotentAndSkipsUnchangedRows();
    void deletesByCompositeKey();
    void readSinceBreaksTiesByKey();
    void readByKeysTenThousand();
    void readKeyHashesStableAndSensitive();
    void earlyStopLeavesConnectionUsable();
    void stateStoreDiff();
    void checkpointRoundTrip_data();
    void checkpointRoundTrip();
    void failedApplyLeavesNeitherDataNorState_data();
    void failedApplyLeavesNeitherDataNorState();
    void lostConnectionIsUnavailableThenRecovers();
    void existingValuesOneQuery();
    void bulkApply100k();

private:
    void sql(const QString &statement) { m_admin->execDirect(statement, "test setup"); }
    QVariant scalar(const QString &statement);
    static QList<Row> readAll(PostgresConnector &connector, const QString &entity,
                              int batchSize = 1000, QStringList keys = {});
    ChangeBatch batchFor(const QString &entity, const QStringList &keys, SchemaPtr schema,
                         QList<Row> rows) const;

    QString m_url;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<PostgresConnector> m_pg; // schema public
    std::unique_ptr<PostgresConnector> m_odd; // schema kOddSchema
};
