// tfctl fix-corruption against real control databases (SQLite file and PostgreSQL) seeded with
// corruption: invalid JSON, broken references, a stuck operation with an expired lease, orphan
// quarantine and state rows, an audit entry edited after it was written. Repaired rows, rows set
// aside and the healthy rows around them are compared as whole rows before and after.
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments)
{
    test::ToolOptions options;
    options.closeStdin = false; // stdin stays an open pipe
    options.timeoutMs = 60000;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString describe(const Run &run)
{
    return run.describe();
}

} // namespace

class TestFixCorruption final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_url;
    QString m_data;
    std::unique_ptr<db::ControlDatabase> m_control;
    // ids of the seeded rows
    qint64 m_healthyPair = 0, m_busyPair = 0, m_badJsonPair = 0, m_brokenPair = 0;
    qint64 m_healthyOp = 0, m_liveOp = 0, m_badStatsOp = 0, m_stuckOp = 0, m_orphanOp = 0;
    qint64 m_healthyQuarantine = 0, m_badQuarantine = 0;
    qint64 m_healthyMetric = 0, m_badMetric = 0;
    qint64 m_tamperedAudit = 0;

    db::Database &database() { return m_control->database(); }

    QVariantList exec(const QString &sql, const QVariantList &values = {})
    {
        QSqlQuery query = database().prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        database().exec(query, "seeding");
        QVariantList first;
        if (query.isSelect() && query.next()) {
            for (int i = 0; i < query.record().count(); ++i)
                first << query.value(i);
        }
        return first;
    }

    qint64 insert(const QString &sql, const QVariantList &values)
    {
        return exec(sql + QStringLiteral(" RETURNING id"), values).value(0).toLongLong();
    }

    QVariant ts(qint64 secondsFromNow)
    {
        return database().dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(secondsFromNow));
    }

    // The whole row as JSON text, for before/after comparisons.
    QString row(const QString &table, const QString &where, const QVariantList &values = {})
    {
        QSqlQuery query = database().prepare(QStringLiteral("SELECT * FROM %1 WHERE %2 ORDER BY 1, 2, 3").arg(table, where));
        for (const QVariant &value : values)
            query.addBindValue(value);
        database().exec(query, "reading back");
        QStringList rows;
        while (query.next()) {
            QStringList fields;
            for (int i = 0; i < query.record().count(); ++i)
                fields << query.record().fieldName(i) + QLatin1Char('=') + query.value(i).toString();
            rows << fields.join(QLatin1Char('|'));
        }
        return rows.join(QLatin1Char('\n'));
    }

    qint64 count(const QString &table, const QString &where = QStringLiteral("1 = 1"), const QVariantList &values = {})
    {
        return exec(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(table, where), values).value(0).toLongLong();
    }

    void foreignKeys(bool on)
    {
        if (database().dialect().isPostgres())
            database().execDirect(on ? QStringLiteral("SET session_replication_role = origin") : QStringLiteral("SET session_replication_role = replica"), "fk");
        else
            database().execDirect(on ? QStringLiteral("PRAGMA foreign_keys = ON") : QStringLiteral("PRAGMA foreign_keys = OFF"), "fk");
    }

    void seed(bool tamperAudit)
    {
        const qint64 source = insert(QStringLiteral("INSERT INTO systems (name, kind, settings) VALUES (?, ?, ?)"),
                                     { QStringLiteral("pacs"), QStringLiteral("sqlite"), QStringLiteral("{}") });
        const qint64 target = insert(QStringLiteral("INSERT INTO systems (name, kind, settings) VALUES (?, ?, ?)"),
                                     { QStringLiteral("cama"), QStringLiteral("sqlite"), QStringLiteral("{}") });
        const QString pairSql = QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, target_system_id, "
                                               "target_entity, definition, enabled) VALUES (?, ?, 'property', ?, 'cama_property', ?, ?)");
        m_healthyPair = insert(pairSql, { QStringLiteral("healthy"), source, target, QStringLiteral("{\"mode\":\"hash\"}"), true });
        m_busyPair = insert(pairSql, { QStringLiteral("busy"), source, target, QStringLiteral("{}"), true });
        m_badJsonPair = insert(pairSql, { QStringLiteral("bad-json"), source, target, QStringLiteral("{\"mapping\": [ {\"from\": "), true });
        foreignKeys(false);
        m_brokenPair = insert(pairSql, { QStringLiteral("broken-ref"), source, qint64(9999), QStringLiteral("{}"), true });
        m_orphanOp = insert(QStringLiteral("INSERT INTO sync_operations (pair_id, status, statistics) VALUES (?, 'failed', '{}')"), { qint64(8888) });
        foreignKeys(true);

        const QString opSql = QStringLiteral("INSERT INTO sync_operations (pair_id, status, statistics, lease_owner, lease_expires_at, "
                                             "heartbeat_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        const QVariant noTime = database().dialect().toDb(QDateTime());
        const QVariant noText = QVariant(QMetaType(QMetaType::QString));
        m_healthyOp = insert(opSql, { m_healthyPair, QStringLiteral("completed"), QStringLiteral("{\"inserted\":3}"), noText, noTime, noTime, ts(-3600) });
        m_badStatsOp = insert(opSql, { m_healthyPair, QStringLiteral("completed"), QStringLiteral("{inserted: 3"), noText, noTime, noTime, ts(-3500) });
        m_stuckOp = insert(opSql, { m_healthyPair, QStringLiteral("running"), QStringLiteral("{}"), QStringLiteral("node-gone-1"), ts(-600), ts(-660), ts(-700) });
        m_liveOp = insert(opSql, { m_busyPair, QStringLiteral("running"), QStringLiteral("{}"), QStringLiteral("node-alive-2"), ts(600), ts(-5), ts(-60) });

        const QString quarantineSql = QStringLiteral("INSERT INTO quarantine (pair_id, entity, source_key, source_row, transformed_row, rule, message) "
                                                     "VALUES (?, 'property', ?, ?, '{}', 'required', 'missing')");
        m_healthyQuarantine = insert(quarantineSql, { QString::number(m_healthyPair), QStringLiteral("k1"), QStringLiteral("{\"a\":1}") });
        m_badQuarantine = insert(quarantineSql, { QString::number(m_healthyPair), QStringLiteral("k2"), QStringLiteral("{\"a\":") });
        insert(quarantineSql, { QStringLiteral("777"), QStringLiteral("k1"), QStringLiteral("{}") });
        insert(quarantineSql, { QStringLiteral("777"), QStringLiteral("k2"), QStringLiteral("{}") });

        const QString stateSql = QStringLiteral("INSERT INTO sync_state (pair_id, entity, source_key, hash, target_key) VALUES (?, 'property', ?, 'ab', ?)");
        for (const QString &key : { QStringLiteral("s1"), QStringLiteral("s2") })
            exec(stateSql, { QString::number(m_healthyPair), key, key });
        for (const QString &key : { QStringLiteral("s1"), QStringLiteral("s2"), QStringLiteral("s3") })
            exec(stateSql, { QStringLiteral("777"), key, key });

        const QString metricSql = QStringLiteral("INSERT INTO system_metrics (node, metric, value, labels) VALUES ('n1', 'cpu_percent', ?, ?)");
        m_healthyMetric = insert(metricSql, { 12.5, QStringLiteral("{\"core\":\"all\"}") });
        m_badMetric = insert(metricSql, { 13.5, QStringLiteral("{core: all") });

        db::AuditRepository audit(database());
        for (int i = 1; i <= 3; ++i) {
            db::AuditEntry entry;
            entry.eventType = QStringLiteral("sync_pair.updated");
            entry.description = QStringLiteral("change %1").arg(i);
            entry.username = QStringLiteral("alice");
            const db::AuditEntry stored = audit.append(entry);
            if (i == 2)
                m_tamperedAudit = stored.id;
        }
        if (tamperAudit) {
            // What an attacker with write access would do: get the append-only trigger out of
            // the way and edit the description.
            if (database().dialect().isPostgres()) {
                database().execDirect(QStringLiteral("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"), "tamper");
                exec(QStringLiteral("UPDATE audit_entries SET description = 'nothing happened' WHERE id = ?"), { m_tamperedAudit });
                database().execDirect(QStringLiteral("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"), "tamper");
            } else {
                database().execDirect(QStringLiteral("DROP TRIGGER audit_entries_no_update"), "tamper");
                exec(QStringLiteral("UPDATE audit_entries SET description = 'nothing happened' WHERE id = ?"), { m_tamperedAudit });
            }
        }
    }

    QStringList databaseArgs() const
    {
        return { QStringLiteral("--data-dir"), m_data, QStringLiteral("--database"), m_url };
    }

    static QJsonObject finding(const QJsonObject &report, const QString &table, const QString &keyPrefix, const QString &problem)
    {
        for (const QJsonValue &value : report.value(QStringLiteral("findings")).toArray()) {
            const QJsonObject object = value.toObject();
            if (object.value(QStringLiteral("table")).toString() == table && object.value(QStringLiteral("problem")).toString() == problem
                && object.value(QStringLiteral("key")).toString().startsWith(keyPrefix))
                return object;
        }
        return {};
    }

    // The rows the fix must leave alone, as one text.
    QString healthyRows()
    {
        return QStringList {
            row(QStringLiteral("sync_pairs"), QStringLiteral("id IN (?, ?)"), { m_healthyPair, m_busyPair }),
            row(QStringLiteral("sync_operations"), QStringLiteral("id IN (?, ?)"), { m_healthyOp, m_liveOp }),
            row(QStringLiteral("quarantine"), QStringLiteral("id = ?"), { m_healthyQuarantine }),
            row(QStringLiteral("sync_state"), QStringLiteral("pair_id = ?"), { QString::number(m_healthyPair) }),
            row(QStringLiteral("system_metrics"), QStringLiteral("id = ?"), { m_healthyMetric }),
            row(QStringLiteral("audit_entries"), QStringLiteral("id <= ?"), { m_tamperedAudit + 1 }),
        }.join(QStringLiteral("\n--\n"));
    }

    // Everything the fix may touch, as one text (for the rollback).
    QString corruptRows()
    {
        return QStringList {
            row(QStringLiteral("sync_pairs"), QStringLiteral("id IN (?, ?)"), { m_badJsonPair, m_brokenPair }),
            row(QStringLiteral("sync_operations"), QStringLiteral("id IN (?, ?, ?)"), { m_badStatsOp, m_stuckOp, m_orphanOp }),
            row(QStringLiteral("quarantine"), QStringLiteral("id = ? OR pair_id = '777'"), { m_badQuarantine }),
            row(QStringLiteral("sync_state"), QStringLiteral("pair_id = '777'")),
            row(QStringLiteral("system_metrics"), QStringLiteral("id = ?"), { m_badMetric }),
        }.join(QStringLiteral("\n--\n"));
    }

    void open(const QString &backend)
    {
        m_control.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_data = m_dir->filePath(QStringLiteral("data"));
        if (backend == QLatin1String("postgres")) {
            m_url = test::createScratchPostgresDatabase(QStringLiteral("tffix"));
            TF_REQUIRE_POSTGRES(m_url);
        } else {
            QDir().mkpath(m_data);
            m_url = QStringLiteral("sqlite://") + m_data + QStringLiteral("/terrafusion.db");
        }
        m_control = db::ControlDatabase::open(m_url, true);
    }

private Q_SLOTS:
    void repairsSeededCorruption_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void repairsSeededCorruption()
    {
        QFETCH(QString, backend);
        open(backend);
        if (QTest::currentTestFailed() || !m_control)
            return;
        seed(true);
        const QString healthyBefore = healthyRows();
        const QString badDefinition = row(QStringLiteral("sync_pairs"), QStringLiteral("id = ?"), { m_badJsonPair });

        const Run run = tfctl(QStringList { QStringLiteral("fix-corruption"), QStringLiteral("all"), QStringLiteral("--json") } + databaseArgs());
        // The audit break is left for a person: exit 1.
        QVERIFY2(run.exitCode == 1, qPrintable(describe(run)));
        const QJsonObject report = run.json();
        QCOMPARE(report.value(QStringLiteral("repaired")).toInt(), 3);  // statistics, the stuck operation, orphan state
        QCOMPARE(report.value(QStringLiteral("set_aside")).toInt(), 6);
        QCOMPARE(report.value(QStringLiteral("reported")).toInt(), 1);  // the audit break
        const auto expect = [&](const QString &table, const QString &key, const QString &problem, const QString &action) {
            const QJsonObject found = finding(report, table, key, problem);
            QVERIFY2(!found.isEmpty(), qPrintable(QStringLiteral("no %1 %2 %3 in\n%4").arg(table, key, problem, QString::fromUtf8(run.out))));
            QCOMPARE(found.value(QStringLiteral("action")).toString(), action);
        };
        expect(QStringLiteral("sync_pairs"), QStringLiteral("id=%1 ").arg(m_badJsonPair), QStringLiteral("invalid_json"), QStringLiteral("set_aside"));
        expect(QStringLiteral("sync_pairs"), QStringLiteral("id=%1 ").arg(m_brokenPair), QStringLiteral("broken_reference"), QStringLiteral("set_aside"));
        expect(QStringLiteral("sync_operations"), QStringLiteral("id=%1").arg(m_badStatsOp), QStringLiteral("invalid_json"), QStringLiteral("repaired"));
        expect(QStringLiteral("sync_operations"), QStringLiteral("id=%1").arg(m_stuckOp), QStringLiteral("stuck_operation"), QStringLiteral("repaired"));
        expect(QStringLiteral("sync_operations"), QStringLiteral("id=%1").arg(m_orphanOp), QStringLiteral("broken_reference"), QStringLiteral("set_aside"));
        expect(QStringLiteral("quarantine"), QStringLiteral("pair_id=777"), QStringLiteral("orphan"), QStringLiteral("set_aside"));
        expect(QStringLiteral("quarantine"), QStringLiteral("id=%1").arg(m_badQuarantine), QStringLiteral("invalid_json"), QStringLiteral("set_aside"));
        expect(QStringLiteral("sync_state"), QStringLiteral("pair_id=777"), QStringLiteral("orphan"), QStringLiteral("repaired"));
        expect(QStringLiteral("system_metrics"), QStringLiteral("id=%1").arg(m_badMetric), QStringLiteral("invalid_json"), QStringLiteral("set_aside"));
        expect(QStringLiteral("audit_entries"), QStringLiteral("id=%1").arg(m_tamperedAudit), QStringLiteral("chain_break"), QStringLiteral("reported"));
        QCOMPARE(report.value(QStringLiteral("findings")).toArray().size(), 10);

        // Healthy rows: exactly as they were.
        QCOMPARE(healthyRows(), healthyBefore);
        // Repaired and set aside, as reported.
        QCOMPARE(exec(QStringLiteral("SELECT definition FROM sync_pairs WHERE id = ?"), { m_badJsonPair }).value(0).toString(), QStringLiteral("{}"));
        QVERIFY(!exec(QStringLiteral("SELECT enabled FROM sync_pairs WHERE id = ?"), { m_badJsonPair }).value(0).toBool());
        QVERIFY(!exec(QStringLiteral("SELECT enabled FROM sync_pairs WHERE id = ?"), { m_brokenPair }).value(0).toBool());
        QCOMPARE(exec(QStringLiteral("SELECT statistics FROM sync_operations WHERE id = ?"), { m_badStatsOp }).value(0).toString(), QStringLiteral("{}"));
        const QVariantList stuck = exec(QStringLiteral("SELECT status, lease_owner FROM sync_operations WHERE id = ?"), { m_stuckOp });
        QCOMPARE(stuck.value(0).toString(), QStringLiteral("queued"));
        QVERIFY(stuck.value(1).isNull());
        QCOMPARE(count(QStringLiteral("operation_logs"), QStringLiteral("operation_id = ? AND line LIKE '%fix-corruption%'"), { m_stuckOp }), 1);
        QCOMPARE(count(QStringLiteral("sync_operations"), QStringLiteral("id = ?"), { m_orphanOp }), 0);
        QCOMPARE(count(QStringLiteral("quarantine")), 1);
        QCOMPARE(count(QStringLiteral("sync_state"), QStringLiteral("pair_id = '777'")), 0);
        QCOMPARE(count(QStringLiteral("system_metrics"), QStringLiteral("id = ?"), { m_badMetric }), 0);
        // The edited audit entry stays as evidence; the finding itself is audited.
        QCOMPARE(exec(QStringLiteral("SELECT description FROM audit_entries WHERE id = ?"), { m_tamperedAudit }).value(0).toString(),
                 QStringLiteral("nothing happened"));
        QCOMPARE(count(QStringLiteral("audit_entries"), QStringLiteral("event_type = 'audit.chain_break' AND severity = 'critical'")), 1);
        QCOMPARE(count(QStringLiteral("audit_entries"), QStringLiteral("event_type = 'data_corruption.fixed'")), 1);

        // The set-aside file keeps every changed or removed row as it was.
        QFile setAside(report.value(QStringLiteral("set_aside_file")).toString());
        QVERIFY(setAside.open(QIODevice::ReadOnly));
        const QByteArray kept = setAside.readAll();
        QVERIFY(kept.contains("{\\\"mapping\\\": [ {\\\"from\\\": "));
        QVERIFY(kept.contains("{core: all"));
        QVERIFY(badDefinition.contains(QStringLiteral("{\"mapping\": [ {\"from\": ")));

        // A second run finds only what is left for a person and changes nothing.
        const QString afterFirst = healthyRows() + corruptRows();
        const Run again = tfctl(QStringList { QStringLiteral("fix-corruption"), QStringLiteral("all"), QStringLiteral("--json") } + databaseArgs());
        QVERIFY2(again.exitCode == 1, qPrintable(describe(again)));
        const QJsonArray left = again.json().value(QStringLiteral("findings")).toArray();
        QCOMPARE(left.size(), 2); // the audit break, and the broken reference of the (now disabled) pair
        QVERIFY(!finding(again.json(), QStringLiteral("audit_entries"), QStringLiteral("id="), QStringLiteral("chain_break")).isEmpty());
        QCOMPARE(finding(again.json(), QStringLiteral("sync_pairs"), QStringLiteral("id=%1 ").arg(m_brokenPair), QStringLiteral("broken_reference"))
                     .value(QStringLiteral("action")).toString(), QStringLiteral("reported"));
        QCOMPARE(healthyRows() + corruptRows(), afterFirst);
    }

    void validationScriptDecides_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void validationScriptDecides()
    {
        QFETCH(QString, backend);
        open(backend);
        if (QTest::currentTestFailed() || !m_control)
            return;
        seed(false);
        const QString healthyBefore = healthyRows();
        const QString corruptBefore = corruptRows();

        // Dry run: reports, changes nothing.
        const Run dry = tfctl(QStringList { QStringLiteral("fix-corruption"), QStringLiteral("all"), QStringLiteral("--dry-run") } + databaseArgs());
        QVERIFY2(dry.exitCode == 1, qPrintable(describe(dry)));
        QVERIFY(dry.out.contains("dry run"));
        QCOMPARE(corruptRows(), corruptBefore);

        // A script that says no: the changes are undone.
        const QString marker = m_dir->filePath(QStringLiteral("entity.txt"));
        const QString refuse = m_dir->filePath(QStringLiteral("refuse.sh"));
        QFile script(refuse);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write(QStringLiteral("#!/bin/sh\necho \"$1\" > '%1'\n[ -n \"$DATABASE_URL\" ] && [ -f \"$TF_SET_ASIDE_FILE\" ] || exit 9\n"
                                    "echo 'INVALID: counts do not match'\nexit 3\n").arg(marker).toUtf8());
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const Run refused = tfctl(QStringList { QStringLiteral("fix-corruption"), QStringLiteral("all"), QStringLiteral("--json"),
                                                QStringLiteral("--validation"), refuse } + databaseArgs());
        QVERIFY2(refused.exitCode == 1, qPrintable(describe(refused)));
        const QJsonObject validation = refused.json().value(QStringLiteral("validation")).toObject();
        QCOMPARE(validation.value(QStringLiteral("exit_code")).toInt(), 3);
        QVERIFY(validation.value(QStringLiteral("rolled_back")).toBool());
        QVERIFY(validation.value(QStringLiteral("output")).toString().contains(QStringLiteral("INVALID")));
        QFile entity(marker);
        QVERIFY(entity.open(QIODevice::ReadOnly));
        QCOMPARE(entity.readAll().trimmed(), QByteArray("all"));
        // Everything is back as it was, except rows the database will not take back (the
        // operation of a pair that does not exist violates its foreign key).
        const QJsonArray notUndone = validation.value(QStringLiteral("rollback_problems")).toArray();
        QCOMPARE(healthyRows(), healthyBefore);
        QCOMPARE(row(QStringLiteral("sync_pairs"), QStringLiteral("id IN (?, ?)"), { m_badJsonPair, m_brokenPair }),
                 QString(corruptBefore.section(QStringLiteral("\n--\n"), 0, 0)));
        QCOMPARE(exec(QStringLiteral("SELECT status FROM sync_operations WHERE id = ?"), { m_stuckOp }).value(0).toString(), QStringLiteral("running"));
        QCOMPARE(count(QStringLiteral("sync_state"), QStringLiteral("pair_id = '777'")), 3);
        QCOMPARE(count(QStringLiteral("quarantine")), 4);
        QCOMPARE(count(QStringLiteral("system_metrics"), QStringLiteral("id = ?"), { m_badMetric }), 1);
        QCOMPARE(notUndone.size(), 1);
        QVERIFY(notUndone.first().toString().startsWith(QStringLiteral("sync_operations {\"id\":%1}").arg(m_orphanOp)));

        // A script that agrees: the repairs stay.
        const QString accept = m_dir->filePath(QStringLiteral("accept.sh"));
        QFile ok(accept);
        QVERIFY(ok.open(QIODevice::WriteOnly));
        ok.write("#!/bin/sh\necho VALID\nexit 0\n");
        ok.close();
        ok.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const Run accepted = tfctl(QStringList { QStringLiteral("fix-corruption"), QStringLiteral("sync_operations"),
                                                 QStringLiteral("--validation"), accept } + databaseArgs());
        QVERIFY2(accepted.exitCode == 0, qPrintable(describe(accepted)));
        QVERIFY(accepted.out.contains("exited with 0"));
        QCOMPARE(exec(QStringLiteral("SELECT status FROM sync_operations WHERE id = ?"), { m_stuckOp }).value(0).toString(), QStringLiteral("queued"));
        QCOMPARE(exec(QStringLiteral("SELECT statistics FROM sync_operations WHERE id = ?"), { m_badStatsOp }).value(0).toString(), QStringLiteral("{}"));
        // Only the operations were checked: the other tables keep their problems.
        QCOMPARE(count(QStringLiteral("sync_state"), QStringLiteral("pair_id = '777'")), 3);
        QCOMPARE(healthyRows(), healthyBefore);
    }

    void badArgumentsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no entity") << QStringList { QStringLiteral("fix-corruption") } << QStringLiteral("entity type is required");
        QTest::newRow("unknown entity") << QStringList { QStringLiteral("fix-corruption"), QStringLiteral("users") } << QStringLiteral("unknown entity type 'users'");
        QTest::newRow("two entities") << QStringList { QStringLiteral("fix-corruption"), QStringLiteral("quarantine"), QStringLiteral("sync_state") } << QStringLiteral("one entity type only");
        QTest::newRow("missing script") << QStringList { QStringLiteral("fix-corruption"), QStringLiteral("all"), QStringLiteral("--validation"), QStringLiteral("/nonexistent/check.sh") } << QStringLiteral("not an executable file");
        QTest::newRow("bad timeout") << QStringList { QStringLiteral("fix-corruption"), QStringLiteral("all"), QStringLiteral("--validation-timeout"), QStringLiteral("0") } << QStringLiteral("--validation-timeout");
    }

    void badArgumentsExitTwo()
    {
        if (!m_dir)
            m_dir = std::make_unique<QTemporaryDir>();
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run = tfctl(arguments + QStringList { QStringLiteral("--data-dir"), m_dir->filePath(QStringLiteral("unused")) });
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
        QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("unused/terrafusion.db"))));
    }
};

QTEST_GUILESS_MAIN(TestFixCorruption)
#include "tst_fixcorruption.moc"
