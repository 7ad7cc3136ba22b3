#pragma once

// The table tst_pgcopyread reads both ways (kept out of the .cpp: moc does not parse these
// raw strings).

// Every type the row model carries, and types it carries as text (arrays, inet, interval,
// a domain, an enum), with the values that break naive parsers.
const char kTable[] = R"sql(CREATE TABLE every (id int4 PRIMARY KEY, t text, vc varchar(10),
    ch char(8), i2 int2, i8 int8, n numeric, n2 numeric(12,2), f4 float4, f8 float8, b bool,
    d date, ts timestamp, tz timestamptz, by bytea, u uuid, j json, jb jsonb, arr int4[],
    tarr text[], ip inet, iv interval, dom posint, mood mood, m money))sql";

const char kRows[] = R"sql(INSERT INTO every VALUES
 (1, E'tab\there\nnew\\back\rcr\bbs\fff' || chr(11) || 'vt' || chr(1), 'abc', 'ab', 32767, 9223372036854775807,
  123456789012345678901234567890.000000000000000000001, 12.50, 1.5, 1e-300, true,
  '2024-02-29', '2024-03-10 08:30:00.123456', '2024-03-10 08:30:00.654321+05:30',
  '\x00010203ff5c4e09', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{ "a" : "x\ty\\\"", "b": [1, 2.50] }', '{"b": [1, 2.50], "a": "\u00e9"}',
  '{1,NULL,3}', '{"a b","c\\d",NULL,""}', '10.0.0.1/8', '1 day 02:03:04.5', 7, 'happy', 12.34),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, '\N', '', '', -32768, -9223372036854775808, 'NaN', -0.01, 'NaN', '-0', false,
  '-infinity', 'infinity', '-infinity', '', '00000000-0000-0000-0000-000000000000', '""',
  'null', '{}', '{}', '::1', '-1 mons', 1, 'sad', -0.5),
 (4, E'\\N', E'\U0001F600 é', 'x', 0, 0, '-Infinity', 0, '-Infinity', 'Infinity', true,
  '4713-01-01 BC', '4713-01-01 00:00:00 BC', '294276-12-31 23:59:59.999999+00', '\x5c',
  NULL, '[]', '[]', NULL, '{"\\N"}', NULL, '0', 2, NULL, 0),
 (5, E'\\\\N\\t', ' lead', 'trail ', 1, -1, '0.00000000000000000000001', 99.99, 3.4028235e38,
  4.9e-324, false, '5874897-12-31', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00+14',
  '\x0a0d09', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '{"k": "\\u0000x"}', '{"k": 1e400}',
  '{{1,2},{3,4}}', '{"\"q\""}', '192.168.0.1', '-1000 years', 3, 'ok', -92233720368547758.08),
 (6, repeat(E'\\x', 5000) || repeat('é', 3000), 'z', 'z', 2, 2, '1e-6', 1, 0.1, -2.2250738585072014e-308,
  true, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '\x', NULL, '1', '1',
  NULL, NULL, NULL, NULL, 4, 'sad', 1))sql";
