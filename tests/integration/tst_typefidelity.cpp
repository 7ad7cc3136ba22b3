// Exact values end to end (issue 11): every value class survives full, hash and cursor runs
// PostgreSQL -> PostgreSQL, -> SQLite, -> CSV and -> JSON Lines, a change and a second run
// (the SQLite and file targets are read back into PostgreSQL by a pair of their own); PostgreSQL
// compares the result with IS NOT DISTINCT FROM. Also: --full then hash finds nothing to
// update, and a value the target cannot hold is quarantined naming the column.
#include "tst_typefidelity_fixture.h"


void TestTypeFidelity::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tffid"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_dir.isValid());
    m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("TF_KEEP_TEST_DIR"));
    m_admin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_url));
    sql(u"CREATE SCHEMA %1"_s.arg(q(kSrc)));
    sql(u"CREATE SCHEMA %1"_s.arg(q(kDst)));
    m_src = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url }, { u"schema"_s, kSrc } }, {} });
    m_dst = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url }, { u"schema"_s, kDst } }, {} });
    const QString sqlitePath = m_dir.filePath(u"target.db"_s);
    m_sqliteAdmin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(sqlitePath));
    sqlite(u"CREATE TABLE keep_open (x)"_s); // creates the file
    m_sqlite = std::make_unique<SqliteConnector>(
        SystemSettings { u"sqlite"_s, { { u"path"_s, sqlitePath } }, {} });
    const QString sqliteSourcePath = m_dir.filePath(u"source.db"_s);
    m_sqliteSourceAdmin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(sqliteSourcePath));
    sqliteSource(u"CREATE TABLE keep_open (x)"_s);
    m_sqliteSource = std::make_unique<SqliteConnector>(
        SystemSettings { u"sqlite"_s, { { u"path"_s, sqliteSourcePath } }, {} });
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
    m_controlState = std::make_unique<ControlDbStateStore>(m_control->database());
}

SystemSettings TestTypeFidelity::fileSettings(const QString &kind, const QString &folder)
{
    const QJsonArray columns = QJsonDocument::fromJson(QByteArray(kFileColumns)).array();
    QJsonArray key;
    for (const QString &column : kKey)
        key.append(column);
    return SystemSettings { kind, { { u"path"_s, folder }, { u"columns"_s, columns }, { u"key"_s, key } }, {} };
}

void TestTypeFidelity::cleanupTestCase()
{
    m_controlState.reset();
    m_quarantine.reset();
    m_control.reset();
    m_sqliteSource.reset();
    m_sqliteSourceAdmin.reset();
    m_sqlite.reset();
    m_sqliteAdmin.reset();
    m_dst.reset();
    m_src.reset();
    m_admin.reset();
}

void TestTypeFidelity::sqlite(const QString &statement)
{
    m_sqliteAdmin->execDirect(statement, "test setup");
}

QStringList TestTypeFidelity::differences(const QString &source, const QString &target)
{
    // Named rows of either side without an identical row on the other.
    const QString sqlText = u"SELECT 'missing or different: ' || s.\"Case Name\" FROM %1 AS s"
                            " WHERE NOT EXISTS (SELECT 1 FROM %2 AS t WHERE %3)"
                            " UNION ALL SELECT 'extra: ' || t.\"Case Name\" FROM %2 AS t"
                            " WHERE NOT EXISTS (SELECT 1 FROM %1 AS s WHERE %3)"_s
                                .arg(source, target, sameRow(u"s"_s, u"t"_s));
    QSqlQuery query = m_admin->prepare(sqlText);
    m_admin->exec(query, "comparing");
    QStringList found;
    while (query.next())
        found << query.value(0).toString();
    return found;
}

PairSpec TestTypeFidelity::pair(const QString &id, const QString &source, const QString &target,
                                ChangeMode mode) const
{
    EntitySpec entity;
    entity.name = u"rows"_s;
    entity.sourceEntity = source;
    entity.sourceKey = kKey;
    entity.targetEntity = target;
    entity.targetKey = kKey;
    entity.mapping = identityMapping();
    entity.mode = mode;
    entity.cursorColumn = u"updated_at"_s;
    entity.reconcileEvery = 1; // deletes are found on every cursor run
    PairSpec spec;
    spec.pairId = id;
    spec.sourceSystem = id + u"-source"_s;
    spec.targetSystem = id + u"-target"_s;
    spec.batchSize = 4; // several batches, so keys and checkpoints cross batch borders
    spec.entities = { entity };
    return spec;
}

RunResult TestTypeFidelity::run(SourceConnector &source, TargetConnector &target,
                                const PairSpec &spec, bool forceFull)
{
    SyncRunner runner(spec, source, target, *m_quarantine,
                      target.isTransactional() ? DetachedStateStore {}
                                               : DetachedStateStore::of(*m_controlState));
    RunOptions options;
    options.forceFull = forceFull;
    return runner.run(options);
}

void TestTypeFidelity::changeSource(const QString &table)
{
    const QString t = qualified(kSrc, table);
    sql(u"UPDATE %1 SET tstz = tstz + interval '1 microsecond', updated_at = '2024-02-01 00:00:00.000001+00'"
        " WHERE \"Case Name\" = 'microseconds'"_s.arg(t));
    sql(u"UPDATE %1 SET f8 = '-0', updated_at = '2024-02-01 00:00:00.000002+00' WHERE \"Case Name\" = 'NaN'"_s.arg(t));
    sql(u"UPDATE %1 SET j = '{\"z\":1}', updated_at = '2024-02-01 00:00:00.000003+00'"
        " WHERE \"Case Name\" = 'json'"_s.arg(t));
    sql(u"DELETE FROM %1 WHERE \"Case Name\" = 'bytea'"_s.arg(t));
    // A key changed by one microsecond: the old key is deleted, the new one inserted.
    sql(u"UPDATE %1 SET \"At\" = \"At\" + interval '1 microsecond', updated_at = '2024-02-01 00:00:00.000004+00'"
        " WHERE \"Case Name\" = 'issue 11 row'"_s.arg(t));
    sql(u"INSERT INTO %1 (\"Case Name\", \"At\", \"Amount\", tstz, updated_at) VALUES ('inserted later',"
        " '2030-01-01 00:00:00.999999-03:30', 99.99, '-infinity', '2024-02-01 00:00:00.000005+00')"_s.arg(t));
}

void TestTypeFidelity::everyValueSurvives_data()
{
    QTest::addColumn<QString>("via");
    QTest::addColumn<int>("mode");
    for (const QString &via : { u"postgres"_s, u"sqlite"_s, u"csv"_s, u"jsonl"_s }) {
        for (const auto &[label, mode] : { std::pair { "full", ChangeMode::Full }, std::pair { "hash", ChangeMode::Hash },
                                          std::pair { "cursor", ChangeMode::Cursor } }) {
            QTest::addRow("postgres -> %s, %s", qPrintable(via), label) << via << int(mode);
        }
    }
}

void TestTypeFidelity::everyValueSurvives()
{
    QFETCH(QString, via);
    QFETCH(int, mode);
    const ChangeMode changeMode = ChangeMode(mode);
    const bool viaSqlite = via == u"sqlite"_s;
    const bool viaFile = via == u"csv"_s || via == u"jsonl"_s;
    const QString name = u"Fidelity %1 %2"_s.arg(via).arg(mode);
    sql(u"CREATE TABLE %1 %2"_s.arg(qualified(kSrc, name), QString::fromUtf8(kColumns)));
    sql(u"INSERT INTO %1 VALUES %2"_s.arg(qualified(kSrc, name), QString::fromUtf8(kRows)));
    sql(u"CREATE TABLE %1 %2"_s.arg(qualified(kDst, name), QString::fromUtf8(kColumns)));
    if (viaSqlite)
        sqlite(u"CREATE TABLE %1 %2"_s.arg(q(name), QString::fromUtf8(kSqliteColumns)));

    std::unique_ptr<FileConnector> files;
    if (viaFile) {
        const QString folder = m_dir.filePath(name);
        QVERIFY(QDir().mkpath(folder));
        if (via == u"csv"_s)
            files = std::make_unique<CsvConnector>(fileSettings(via, folder));
        else
            files = std::make_unique<JsonlConnector>(fileSettings(via, folder));
    }
    TargetConnector &target = viaFile ? static_cast<TargetConnector &>(*files)
        : viaSqlite                   ? static_cast<TargetConnector &>(*m_sqlite)
                                      : *m_dst;
    SourceConnector *readBack = viaFile ? static_cast<SourceConnector *>(files.get())
        : viaSqlite                     ? static_cast<SourceConnector *>(m_sqlite.get())
                                        : nullptr;
    const PairSpec spec = pair(name, name, name, changeMode);
    // SQLite and files are read back into PostgreSQL (a full run of its own) so that
    // PostgreSQL compares.
    const PairSpec back = pair(name + u" back"_s, name, name, ChangeMode::Full);
    const auto syncAndCompare = [&](const char *when, RunResult *out) {
        const RunResult result = run(*m_src, target, spec);
        *out = result;
        QVERIFY2(result.status == RunStatus::Completed, qPrintable(QString::fromLatin1(when) + u": "_s + describe(result)));
        QCOMPARE(result.totals.quarantined, 0);
        if (readBack) {
            const RunResult returned = run(*readBack, *m_dst, back);
            QVERIFY2(returned.status == RunStatus::Completed, qPrintable(describe(returned)));
            QCOMPARE(returned.totals.quarantined, 0);
        }
        const QStringList diff = differences(qualified(kSrc, name), qualified(kDst, name));
        QVERIFY2(diff.isEmpty(), qPrintable(QString::fromLatin1(when) + u": "_s + diff.join(u"; "_s)));
    };

    RunResult result;
    syncAndCompare("first run", &result);
    if (QTest::currentTestFailed())
        return;
    changeSource(name);
    syncAndCompare("after changes", &result);
    if (QTest::currentTestFailed())
        return;
    // Nothing changed: hash mode finds nothing (the lost row stays found). A file is
    // rewritten whole each run, so every row is written again, and none may go missing.
    syncAndCompare("unchanged", &result);
    if (changeMode == ChangeMode::Hash && !target.rewritesEntity())
        QCOMPARE(result.totals.writes(), 0);
    if (target.rewritesEntity())
        QCOMPARE(result.totals.updated, result.totals.read);
}

void TestTypeFidelity::fullThenHashFindsNothing()
{
    const QString name = u"Full then hash"_s;
    sql(u"CREATE TABLE %1 %2"_s.arg(qualified(kSrc, name), QString::fromUtf8(kColumns)));
    sql(u"INSERT INTO %1 VALUES %2"_s.arg(qualified(kSrc, name), QString::fromUtf8(kRows)));
    sql(u"CREATE TABLE %1 %2"_s.arg(qualified(kDst, name), QString::fromUtf8(kColumns)));
    const PairSpec spec = pair(name, name, name, ChangeMode::Hash);

    const RunResult full = run(*m_src, *m_dst, spec, true);
    QVERIFY2(full.status == RunStatus::Completed, qPrintable(describe(full)));
    const qint64 rows = full.totals.read;
    QVERIFY(rows >= 19);
    const RunResult hash = run(*m_src, *m_dst, spec);
    QVERIFY2(hash.status == RunStatus::Completed, qPrintable(describe(hash)));
    QCOMPARE(hash.totals.inserted, 0);
    QCOMPARE(hash.totals.updated, 0);
    QCOMPARE(hash.totals.deleted, 0);
    QCOMPARE(hash.totals.unchanged, rows);
    QVERIFY(differences(qualified(kSrc, name), qualified(kDst, name)).isEmpty());

    // And the other way round: hash state read by a full run's diff deletes nothing.
    const RunResult fullAgain = run(*m_src, *m_dst, spec, true);
    QCOMPARE(fullAgain.status, RunStatus::Completed);
    QCOMPARE(fullAgain.totals.deleted, 0);
}

void TestTypeFidelity::valueTheTargetCannotHoldIsQuarantined()
{
    // SQLite holds any text; a PostgreSQL timestamp stops at 294276.
    const QString name = u"Too far"_s;
    sqlite(u"CREATE TABLE %1 (id INTEGER PRIMARY KEY, at TIMESTAMP TEXT, day DATE TEXT)"_s.arg(q(name)));
    // Row 2 is past PostgreSQL's last timestamp, row 4 past its last date.
    sqlite(u"INSERT INTO %1 VALUES (1, '2024-01-01T00:00:00.000001', '2024-01-01'),"
           " (2, '294277-01-05T00:00:00', '2024-01-02'), (3, 'infinity', '5874897-12-31'),"
           " (4, '2024-01-01T00:00:00', '5874898-01-01')"_s.arg(q(name)));
    sql(u"CREATE TABLE %1 (id int8 PRIMARY KEY, at timestamp, day date)"_s.arg(qualified(kDst, name)));
    EntitySpec entity;
    entity.name = u"far"_s;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    entity.mapping = QJsonObject { { u"fields"_s, QJsonArray {
        QJsonObject { { u"target"_s, u"id"_s }, { u"source"_s, u"id"_s } },
        QJsonObject { { u"target"_s, u"at"_s }, { u"source"_s, u"at"_s } },
        QJsonObject { { u"target"_s, u"day"_s }, { u"source"_s, u"day"_s } } } } };
    PairSpec spec;
    spec.pairId = u"too-far"_s;
    spec.sourceSystem = u"too-far-source"_s;
    spec.targetSystem = u"too-far-target"_s;
    spec.entities = { entity };

    const RunResult result = run(*m_sqlite, *m_dst, spec);
    QVERIFY2(result.status == RunStatus::CompletedWithErrors, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.quarantined, 2);
    QSqlQuery count = m_admin->prepare(
        u"SELECT count(*) FILTER (WHERE at = '2024-01-01 00:00:00.000001'),"
        " count(*) FILTER (WHERE at = 'infinity' AND day = '5874897-12-31'), count(*) FROM %1"_s
            .arg(qualified(kDst, name)));
    m_admin->exec(count, "counting");
    QVERIFY(count.next());
    QCOMPARE(count.value(0).toInt(), 1);
    QCOMPARE(count.value(1).toInt(), 1);
    QCOMPARE(count.value(2).toInt(), 2);
    const QuarantineStore::Page page = m_quarantine->list(u"too-far"_s, u"open"_s, 10);
    QCOMPARE(page.entries.size(), 2);
    const QuarantineEntry &at = page.entries.at(0);
    QCOMPARE(at.sourceKey, u"2"_s);
    QCOMPARE(at.field, u"at"_s);
    QCOMPARE(at.rule, u"target_type"_s);
    QVERIFY2(at.message.contains(u"294277-01-05T00:00:00.000"_s)
                 && at.message.contains(u"outside PostgreSQL's range"_s),
             qPrintable(at.message));
    const QuarantineEntry &day = page.entries.at(1);
    QCOMPARE(day.sourceKey, u"4"_s);
    QCOMPARE(day.field, u"day"_s);
    QVERIFY2(day.message.contains(u"5874898-01-01"_s), qPrintable(day.message));
}

void TestTypeFidelity::minusZeroIntoSqliteRealIsQuarantined()
{
    const QString name = u"Signed zero"_s;
    sql(u"CREATE TABLE %1 (id int8 PRIMARY KEY, x float8)"_s.arg(qualified(kSrc, name)));
    sql(u"INSERT INTO %1 VALUES (1, '-0'), (2, '0'), (3, 'NaN')"_s.arg(qualified(kSrc, name)));
    sqlite(u"CREATE TABLE %1 (id INTEGER PRIMARY KEY, x REAL)"_s.arg(q(name)));
    EntitySpec entity;
    entity.name = u"zero"_s;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    entity.mapping = QJsonObject { { u"fields"_s, QJsonArray {
        QJsonObject { { u"target"_s, u"id"_s }, { u"source"_s, u"id"_s } },
        QJsonObject { { u"target"_s, u"x"_s }, { u"source"_s, u"x"_s } } } } };
    PairSpec spec;
    spec.pairId = u"signed-zero"_s;
    spec.sourceSystem = u"signed-zero-source"_s;
    spec.targetSystem = u"signed-zero-target"_s;
    spec.entities = { entity };
    const RunResult result = run(*m_src, *m_sqlite, spec);
    QVERIFY2(result.status == RunStatus::CompletedWithErrors, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.quarantined, 1);
    const QuarantineStore::Page page = m_quarantine->list(u"signed-zero"_s, u"open"_s, 10);
    QCOMPARE(page.entries.size(), 1);
    QCOMPARE(page.entries.first().sourceKey, u"1"_s);
    QCOMPARE(page.entries.first().field, u"x"_s);
    QVERIFY2(page.entries.first().message.contains(u"lose its sign"_s), qPrintable(page.entries.first().message));
}

void TestTypeFidelity::typeModifiersAreNotRoundedAway()
{
    // PostgreSQL rounds into numeric(p,s) and timestamp(p) without a word, and refuses a too
    // long varchar with an error for the whole batch: each such row is quarantined instead.
    const QString name = u"Modifiers"_s;
    sql(u"CREATE TABLE %1 (id int8 PRIMARY KEY, amount numeric, at timestamptz, code text)"_s
            .arg(qualified(kSrc, name)));
    sql(u"INSERT INTO %1 VALUES (1, 1234.5, '2024-01-01 00:00:01+00', 'abc'),"
        " (2, 1.255, '2024-01-01 00:00:01+00', 'abc'), (3, 1, '2024-01-01 00:00:01.5+00', 'abc'),"
        " (4, 1, '2024-01-01 00:00:01+00', 'abcd'), (5, 12345.6, '2024-01-01 00:00:01+00', 'a'),"
        " (6, 'NaN', 'infinity', 'éé😀')"_s.arg(qualified(kSrc, name)));
    sql(u"CREATE TABLE %1 (id int8 PRIMARY KEY, amount numeric(6,2), at timestamptz(0), code varchar(3))"_s
            .arg(qualified(kDst, name)));
    EntitySpec entity;
    entity.name = u"modifiers"_s;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"amount"_s, u"at"_s, u"code"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    PairSpec spec;
    spec.pairId = u"modifiers"_s;
    spec.sourceSystem = u"modifiers-source"_s;
    spec.targetSystem = u"modifiers-target"_s;
    spec.entities = { entity };
    const RunResult result = run(*m_src, *m_dst, spec);
    QVERIFY2(result.status == RunStatus::CompletedWithErrors, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.quarantined, 4);
    const QuarantineStore::Page page = m_quarantine->list(u"modifiers"_s, u"open"_s, 10);
    QCOMPARE(page.entries.size(), 4);
    QStringList seen;
    for (const QuarantineEntry &entry : page.entries)
        seen << entry.sourceKey + u":"_s + entry.field + u":"_s + entry.rule;
    QCOMPARE(seen, (QStringList { u"2:amount:target_type"_s, u"3:at:target_type"_s,
                                  u"4:code:target_type"_s, u"5:amount:target_type"_s }));
    QVERIFY2(page.entries.at(0).message.contains(u"rounded"_s), qPrintable(page.entries.at(0).message));
    QVERIFY2(page.entries.at(1).message.contains(u"fractional digits"_s), qPrintable(page.entries.at(1).message));
    // What was written is exactly the source's.
    QSqlQuery query = m_admin->prepare(
        u"SELECT count(*) FROM %1 AS t JOIN %2 AS s USING (id) WHERE t.amount IS NOT DISTINCT FROM s.amount"
        " AND t.at IS NOT DISTINCT FROM s.at AND t.code IS NOT DISTINCT FROM s.code"_s
            .arg(qualified(kDst, name), qualified(kSrc, name)));
    m_admin->exec(query, "comparing");
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestTypeFidelity)
