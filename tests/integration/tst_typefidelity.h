#pragma once

// The type-fidelity matrix: one named row per value class, synced PostgreSQL -> PostgreSQL
// and PostgreSQL -> SQLite (-> PostgreSQL again, to compare) in every mode, then compared by
// PostgreSQL itself (IS NOT DISTINCT FROM), never through the row model.

#include <QString>
#include <QStringList>

namespace fidelity {

// Mixed-case names with spaces; the key mixes text, timestamptz and numeric.
const char kColumns[] = R"sql(("Case Name" text, "At" timestamptz, "Amount" numeric,
    "Label" text, "Note" text, "plain ts" timestamp, tstz timestamptz, d date, f8 float8,
    f4 float4, num numeric, "int list" int[], "text list" text[], j json, jb jsonb, b bytea,
    u uuid, iv interval, updated_at timestamptz NOT NULL,
    PRIMARY KEY ("Case Name", "At", "Amount")))sql";

// The same columns in SQLite: declared types the SQLite connector maps back to each value
// type, with TEXT affinity wherever SQLite would otherwise convert the text it is given (f8
// keeps -0 that way; f4 is a plain REAL, which holds everything else exactly).
const char kSqliteColumns[] = R"sql(("Case Name" TEXT, "At" TIMESTAMPTZ TEXT, "Amount" DECIMAL TEXT,
    "Label" TEXT, "Note" TEXT, "plain ts" TIMESTAMP TEXT, tstz TIMESTAMPTZ TEXT, d DATE TEXT,
    f8 DOUBLE TEXT, f4 REAL, num DECIMAL TEXT, "int list" TEXT, "text list" TEXT, j JSON TEXT,
    jb JSONB TEXT, b BLOB, u UUID TEXT, iv TEXT, updated_at TIMESTAMPTZ TEXT NOT NULL,
    PRIMARY KEY ("Case Name", "At", "Amount")))sql";

// The same columns in MariaDB (utf8mb4, binary collation: text compares byte for byte), each
// the widest type that holds the PostgreSQL value exactly, so that what it cannot hold is the
// value itself, never the declaration:
//   "Case Name"  VARCHAR(191) utf8mb4_nopad_bin: a key part (191 characters keep the key under
//                InnoDB's 3072 bytes) where 'a' and 'a ' stay two keys (a PAD SPACE collation
//                would make them one)
//   timestamptz  DATETIME(6), in UTC (TIMESTAMP ends in 2038); timestamp DATETIME(6); date DATE.
//                Years 0000 to 9999 only: infinity, BC and year 294276 are refused
//   numeric      DECIMAL(65,30), the widest exact type (65 digits, 35 before the point): NaN,
//                infinities, 40 integer or 40 fractional digits are refused
//   float8       DOUBLE; float4 FLOAT (every float4 is a FLOAT exactly); neither holds NaN,
//                the infinities or -0 (stored as 0), refused
//   arrays, interval  LONGTEXT: PostgreSQL's text of them
//   json, jsonb  JSON (LONGTEXT checked by JSON_VALID): the text as PostgreSQL sends it
//   bytea        LONGBLOB; uuid CHAR(36) (MariaDB's UUID type refuses some valid uuids)
const char kMysqlColumns[] = R"sql((`Case Name` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `At` DATETIME(6), `Amount` DECIMAL(65,30), `Label` LONGTEXT, `Note` LONGTEXT,
    `plain ts` DATETIME(6), tstz DATETIME(6), d DATE, f8 DOUBLE, f4 FLOAT, num DECIMAL(65,30),
    `int list` LONGTEXT, `text list` LONGTEXT, j JSON, jb JSON, b LONGBLOB, u CHAR(36),
    iv LONGTEXT, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (`Case Name`, `At`, `Amount`))
    ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql";

// The same columns declared to the CSV and JSON Lines connectors (files carry no types).
const char kFileColumns[] = R"json([{"name": "Case Name", "type": "text"},
    {"name": "At", "type": "timestamptz"}, {"name": "Amount", "type": "decimal"},
    {"name": "Label", "type": "text"}, {"name": "Note", "type": "text"},
    {"name": "plain ts", "type": "timestamp"}, {"name": "tstz", "type": "timestamptz"},
    {"name": "d", "type": "date"}, {"name": "f8", "type": "double"}, {"name": "f4", "type": "double"},
    {"name": "num", "type": "decimal"}, {"name": "int list", "type": "text"},
    {"name": "text list", "type": "text"}, {"name": "j", "type": "json"}, {"name": "jb", "type": "json"},
    {"name": "b", "type": "bytes"}, {"name": "u", "type": "uuid"}, {"name": "iv", "type": "text"},
    {"name": "updated_at", "type": "timestamptz"}])json";

const QStringList kColumnNames { QStringLiteral("Case Name"), QStringLiteral("At"),
                                 QStringLiteral("Amount"), QStringLiteral("Label"),
                                 QStringLiteral("Note"), QStringLiteral("plain ts"),
                                 QStringLiteral("tstz"), QStringLiteral("d"), QStringLiteral("f8"),
                                 QStringLiteral("f4"), QStringLiteral("num"),
                                 QStringLiteral("int list"), QStringLiteral("text list"),
                                 QStringLiteral("j"), QStringLiteral("jb"), QStringLiteral("b"),
                                 QStringLiteral("u"), QStringLiteral("iv"),
                                 QStringLiteral("updated_at") };
const QStringList kKey { QStringLiteral("Case Name"), QStringLiteral("At"),
                         QStringLiteral("Amount") };

// One row per value class; "Case Name" names it. Every row has a microsecond "At".
const char kRows[] = R"sql(
 ('issue 11 row', '1999-12-31 23:59:59.999999+14', 1, 'x', NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000001+00'),
 ('microseconds', '2024-03-10 08:30:00.123456+00', 2, 'µs', NULL,
  '2024-03-10 08:30:00.654321', '2024-03-10 08:30:00.000001+00', '2024-03-10', NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000002+00'),
 ('odd offsets', '2024-01-01 00:00:00.000001+05:45', 3, NULL, NULL, NULL,
  '1900-06-01 12:00:00.5-00:19:32', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, '2024-01-01 00:00:00.000003+00'),
 ('infinity', '2000-01-01 00:00:00.000004+00', 4, NULL, NULL, '-infinity', 'infinity',
  'infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.000004+00'),
 ('minus infinity date', '2000-01-01 00:00:00.000005+00', 5, NULL, NULL, 'infinity',
  '-infinity', '-infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.000005+00'),
 ('year 1 and BC', '0001-01-01 00:00:00.000006+00', 6, NULL, NULL, '0001-01-01 00:00:00',
  '4713-01-01 00:00:00.000001+00 BC', '4714-11-24 BC', NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000006+00'),
 ('year 294276', '294276-12-31 23:59:59.999999+00', 7, NULL, NULL,
  '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00', '5874897-12-31', NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000007+00'),
 ('NaN', '2000-01-01 00:00:00.000008+00', 8, NULL, NULL, NULL, NULL, NULL, 'NaN', 'NaN', 'NaN',
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000008+00'),
 ('infinities', '2000-01-01 00:00:00.000009+00', 9, NULL, NULL, NULL, NULL, NULL, 'Infinity',
  '-Infinity', 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.000009+00'),
 ('minus zero and tiny', '2000-01-01 00:00:00.00001+00', 10, NULL, NULL, NULL, NULL, NULL,
  '-0', '1e-45', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.00001+00'),
 ('float extremes', '2000-01-01 00:00:00.000011+00', 11, NULL, NULL, NULL, NULL, NULL,
  '4.9e-324', '3.4028235e38', '0.1', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.000011+00'),
 ('numeric 40 digits', '2000-01-01 00:00:00.000012+00',
  1234567890123456789012345678901234567890.0000000001, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, -0.0000000000000000000000000000000000000001, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.000012+00'),
 ('arrays', '2000-01-01 00:00:00.000013+00', 13, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '{1,NULL,-3}', '{"a b","c,d","\"q\"",NULL,""}', NULL, NULL, NULL, NULL, NULL,
  '2024-01-01 00:00:00.000013+00'),
 ('json', '2000-01-01 00:00:00.000014+00', 14, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, '{ "z" : 1,  "a": [1.50, 2e10, 12345678901234567890123] }',
  '{"b": {"c": null}, "a": 1.50}', NULL, NULL, NULL, '2024-01-01 00:00:00.000014+00'),
 ('bytea', '2000-01-01 00:00:00.000015+00', 15, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL,
  (SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), 'hex')
     FROM generate_series(0, 255) i), NULL, NULL, '2024-01-01 00:00:00.000015+00'),
 ('uuid and interval', '2000-01-01 00:00:00.000016+00', 16, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '1 year 2 mons -3 days 04:05:06.789012', '2024-01-01 00:00:00.000016+00'),
 ('control characters and emoji', '2000-01-01 00:00:00.000017+00', 17,
  E'\x01\x02\t\n\r\\ "q" \U0001F600 \u00e9 \x7f', E'\\N', NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000017+00'),
 ('NULL vs empty string', '2000-01-01 00:00:00.000018+00', 18, '', NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, '{}', '{}', '""', '""', '', NULL, NULL, '2024-01-01 00:00:00.000018+00'),
 ('', '2000-01-01 00:00:00.000019+00', -0.5, 'empty text key', NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000019+00'))sql";

} // namespace fidelity
