// Shared by the audit trail and change feed tests: a fresh control database per test row,
// on SQLite and on PostgreSQL.
#pragma once

#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"
#include "testsupport.h"

#include <QtTest>
#include <memory>

namespace tf::test {

class AuditDatabaseFixture
{
public:
    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    // Returns the URL; the caller must TF_REQUIRE_POSTGRES(url) (it may skip).
    QString openUrl(const QString &backend)
    {
        m_url = backend == QLatin1String("sqlite")
            ? m_dir.filePath(QStringLiteral("audit%1.db").arg(++m_counter))
            : createScratchPostgresDatabase(QStringLiteral("tfaudit"));
        return m_url;
    }
    void open() { m_control = db::ControlDatabase::open(m_url); }
    void close() { m_control.reset(); }

    db::Database &database() { return m_control->database(); }
    bool isPostgres() const { return m_control->database().dialect().isPostgres(); }
    const QString &url() const { return m_url; }

    void exec(const QString &sql)
    {
        m_control->database().execDirect(sql, "test statement");
    }
    qint64 scalar(const QString &sql)
    {
        QSqlQuery query = m_control->database().prepare(sql);
        m_control->database().exec(query, "test query");
        return query.next() ? query.value(0).toLongLong() : -1;
    }

    db::AuditEntry append(QAnyStringView eventType, QAnyStringView severity, QAnyStringView user,
                          QAnyStringView description, const QDateTime &at = QDateTime(),
                          QAnyStringView resourceType = {}, QAnyStringView resourceId = {})
    {
        db::AuditEntry entry;
        entry.eventType = eventType.toString();
        entry.severity = severity.toString();
        entry.username = user.toString();
        entry.description = description.toString();
        entry.createdAt = at;
        entry.resourceType = resourceType.toString();
        entry.resourceId = resourceId.toString();
        entry.ipAddress = QStringLiteral("127.0.0.1");
        entry.newState = QJsonObject { { QStringLiteral("n"), description.size() } };
        return db::AuditRepository(m_control->database()).append(entry);
    }

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    QString m_url;
    std::unique_ptr<db::ControlDatabase> m_control;
};

} // namespace tf::test

#define QVERIFY_THROWS_TF(expression)                                                              \
    do {                                                                                           \
        bool thrown = false;                                                                       \
        try {                                                                                      \
            expression;                                                                            \
        } catch (const tf::Error &) {                                                              \
            thrown = true;                                                                         \
        }                                                                                          \
        QVERIFY2(thrown, "no tf::Error from " #expression);                                        \
    } while (false)
