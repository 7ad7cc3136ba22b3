// The crash harness's MariaDB side (tst_crashsafety's MariaDB scenarios): the parcel tables in
// MySQL's types, the rows of the MariaDB source, the system definition of a throwaway server,
// and a table read whole through the connector for the row-by-row comparison.
#pragma once

#include "crashharness.h"

#include <QJsonObject>
#include <QString>

namespace tf::test::crash {

// The parcel target in MariaDB: the same columns in MySQL's types (boolean as TINYINT(1),
// timestamptz as TIMESTAMP(6) in UTC; uuid as CHAR(36): the source's md5 UUIDs include
// versions MariaDB's UUID type refuses).
inline constexpr char kParcelMysqlTarget[] = R"sql(
CREATE TABLE parcel_copy (parcel_id BIGINT PRIMARY KEY, code VARCHAR(40) NOT NULL, owner TEXT,
    amount DECIMAL(14,2), ratio DOUBLE, born DATE, seen TIMESTAMP(6) NULL, active TINYINT(1), uid CHAR(36),
    note TEXT) ENGINE=InnoDB)sql";

// The parcel source in MariaDB: kParcelSource's columns in MySQL's types, 20,000 rows of the
// same kinds of values (NULLs, quotes, tabs, newlines, backslashes, non-ASCII text; every id
// 7 mod 1000 with a negative amount), made by a recursive query.
inline constexpr char kParcelMysqlSource[] = R"sql(
CREATE TABLE parcel (id BIGINT PRIMARY KEY, code VARCHAR(40), owner TEXT, amount DECIMAL(12,2),
    ratio DOUBLE, born DATE, seen DATETIME(6), active TINYINT(1), uid CHAR(36), note TEXT) ENGINE=InnoDB)sql";

inline constexpr char kParcelMysqlRows[] = R"sql(
INSERT INTO parcel
WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000)
SELECT i, CONCAT('  p-', LPAD(i, 6, '0'), ' '),
       CASE WHEN i % 11 = 0 THEN NULL
            WHEN i % 5 = 0 THEN CONCAT(' Owner ', i % 977, ' élève "q"\t\\x')
            ELSE CONCAT('Owner ', i % 977) END,
       CASE WHEN i % 1000 = 7 THEN -1 - (i % 100) ELSE ROUND((i * 37 % 100000) / 100, 2) END,
       CASE WHEN i % 9 = 0 THEN NULL ELSE (i % 1000) / 7e0 END,
       DATE_ADD(DATE '1900-01-01', INTERVAL (i * 13 % 45000) DAY),
       TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (i * 63500000) MICROSECOND,
       i % 3 <> 0,
       CONCAT_WS('-', SUBSTR(MD5(i), 1, 8), SUBSTR(MD5(i), 9, 4), SUBSTR(MD5(i), 13, 4), SUBSTR(MD5(i), 17, 4), SUBSTR(MD5(i), 21, 12)),
       CASE WHEN i % 13 = 0 THEN 'multi\nline \\ back' WHEN i % 17 = 0 THEN '' ELSE NULL END
FROM s)sql";

// The PostgreSQL target of the MariaDB source: DATETIME(6) has no zone, so `seen` is a timestamp.
inline constexpr char kParcelTargetOfMysql[] = R"sql(
CREATE TABLE parcel_copy (parcel_id bigint PRIMARY KEY, code text NOT NULL, owner text,
    amount numeric(14,2), ratio float8, born date, seen timestamp, active boolean, uid uuid,
    note text))sql";

// A `mysql` system on the throwaway server at 127.0.0.1:port (user root, no password).
QJsonObject mysqlSystem(const QString &name, quint16 port, const QString &database);

// A MariaDB table read whole through the connector, every value as its canonical text.
TableSnapshot mysqlSnapshot(quint16 port, const QString &database, const QString &table, const QString &keyColumn);

} // namespace tf::test::crash
