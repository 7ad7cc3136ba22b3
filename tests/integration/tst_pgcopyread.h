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

// Edge values of the typed row hash: text of every length around the hash's 12-byte words,
// character(n) padding, bool, uuid, bytea, dates and timestamps across DST, BC, infinity,
// numeric scale and NaN, float -0, NaN, infinities and subnormals.
const char kEdges[] = R"sql(CREATE TABLE edges AS SELECT i AS id,
    CASE WHEN i % 11 = 0 THEN NULL ELSE substr(repeat(md5(i::text) || 'é€😀', 3), 1, i % 40) END AS t,
    CAST(substr('abcdefgh', 1, i % 9) AS char(6)) AS ch, CAST(substr('xyz  ', 1, i % 6) AS varchar(9)) AS vc,
    i % 3 = 0 AS b, CAST(md5(i::text) AS uuid) AS u, decode(substr(md5(i::text), 1, 2 * (i % 17)), 'hex') AS by,
    (ARRAY[0, -1, 1, 32767, -2147483648, 2147483647])[1 + i % 6] AS i4,
    (ARRAY[-9223372036854775808, 9223372036854775807, 0, -5, 4294967291])[1 + i % 5] AS i8,
    (ARRAY[1.10, -1.00, 0, 0.000001, 'NaN', 'Infinity', '-Infinity', 1e30, -123.4500])[1 + i % 9]::numeric AS n,
    (ARRAY['-0', 'NaN', 'Infinity', '-Infinity', '1e-310', '4.9e-324', '0.1', '1.7976931348623157e308'])[1 + i % 8]::float8 AS f8,
    CAST((ARRAY['1.5', '-0', 'NaN', '1e-40'])[1 + i % 4] AS float4) AS f4,
    (ARRAY[DATE '2000-01-01', '1999-12-31', '1970-01-01', '4713-01-01 BC', 'infinity', '-infinity', '5874897-12-31'])[1 + i % 7] AS d,
    (ARRAY[TIMESTAMP '2000-01-01', '1999-12-31 23:59:59.999999', '4713-01-01 00:00:00 BC', 'infinity', '-infinity', '294276-12-31 23:59:59.999999'])[1 + i % 6] AS ts,
    (ARRAY[TIMESTAMPTZ '2024-03-10 01:59:59.999999-08', '2024-03-10 03:00:00-07', '2024-11-03 01:30:00-07', '2024-11-03 01:30:00-08',
           '2000-01-01 00:00:00+14', '1900-01-01 00:00:00+00', 'infinity', '-infinity'])[1 + i % 8] AS tz,
    CAST('{"k": ' || i || '}' AS json) AS j, CAST('{"k": [' || i || ', 2.50]}' AS jsonb) AS jb,
    CAST(i * INTERVAL '1 day 1 second' AS interval) AS iv, ARRAY[i, NULL] AS arr
  FROM generate_series(1, 400) AS i;
ALTER TABLE edges ADD PRIMARY KEY (id))sql";
