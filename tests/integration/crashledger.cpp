#include "crashledger.h"

#include "core/errors.h"
#include "db/connection.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cmath>
#include <memory>
#include <optional>

namespace tf::test::crash {

namespace {

// One source connection on this thread: db::Database for a URL, the named QSqlDatabase for
// MariaDB. Statements take bound values only; a failure throws tf::Error naming the step.
class SourceSession
{
public:
    explicit SourceSession(const SourceSql &sql)
    {
        if (sql.mysqlConnection.isEmpty()) {
            m_database.emplace(db::DatabaseUrl::parse(sql.url));
            return;
        }
        m_mysql = QSqlDatabase::database(sql.mysqlConnection, false);
        if (!m_mysql.isOpen() && !m_mysql.open())
            throw Error(Error::Kind::Unavailable, QStringLiteral("opening the MariaDB source: ") + m_mysql.lastError().text());
    }
    ~SourceSession()
    {
        if (m_database)
            m_database->closeThreadConnection();
    }

    QSqlQuery run(const QString &statement, const QVariantList &values, const char *what)
    {
        if (m_database) {
            QSqlQuery query = m_database->prepare(statement);
            for (const QVariant &value : values)
                query.addBindValue(value);
            m_database->exec(query, what);
            return query;
        }
        QSqlQuery query(m_mysql);
        if (!query.prepare(statement))
            fail(query, what);
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec())
            fail(query, what);
        return query;
    }

    // Runs `work` in one transaction: committed when it returns, rolled back when it throws.
    void inTransaction(const std::function<void()> &work)
    {
        if (m_database) {
            db::Transaction transaction(*m_database);
            work();
            transaction.commit();
            return;
        }
        if (!m_mysql.transaction())
            throw Error(Error::Kind::Unavailable, QStringLiteral("BEGIN on the MariaDB source: ") + m_mysql.lastError().text());
        try {
            work();
        } catch (...) {
            m_mysql.rollback();
            throw;
        }
        if (!m_mysql.commit())
            throw Error(Error::Kind::Unavailable, QStringLiteral("COMMIT on the MariaDB source: ") + m_mysql.lastError().text());
    }

private:
    [[noreturn]] static void fail(const QSqlQuery &query, const char *what)
    {
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("%1: %2").arg(QString::fromLatin1(what), query.lastError().text()));
    }

    std::optional<db::Database> m_database;
    QSqlDatabase m_mysql;
};

} // namespace

QString stampText(int stamp)
{
    return QDateTime(QDate(2031, 1, 1), QTime(0, 0), Qt::UTC).addSecs(stamp).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

void loadLedger(const SourceSql &sql, const QSet<qint64> &invalid, Ledger *ledger)
{
    SourceSession source(sql);
    QSqlQuery query = source.run(sql.keys, {}, "reading source keys");
    while (query.next()) {
        const qint64 id = query.value(0).toLongLong();
        ledger->live.insert(id);
        ledger->nextId = qMax(ledger->nextId, id + 1);
        if (!invalid.contains(id))
            ledger->candidates << id;
    }
    ledger->invalid = invalid;
}

Mutation mutation(SourceSql sql, Ledger *ledger, int updates, int deletes, int inserts)
{
    return [=](int iteration, QRandomGenerator &random) {
        SourceSession source(sql);
        source.inTransaction([&] {
            for (int i = 0; i < updates; ++i) {
                const qint64 id = ledger->candidates.at(random.bounded(int(ledger->candidates.size())));
                const double value = 1000 + random.bounded(900000) + random.bounded(10) / 10.0;
                source.run(sql.update, { value, stampText(++ledger->stamp), id }, "updating a source row");
                ledger->updated.insert(id, value);
            }
            for (int i = 0; i < deletes; ++i) {
                const int index = random.bounded(int(ledger->candidates.size()));
                const qint64 id = ledger->candidates.takeAt(index);
                source.run(sql.remove, { id }, "deleting a source row");
                ledger->live.remove(id);
                ledger->updated.remove(id);
                ledger->deleted.insert(id);
            }
            const int invalidRows = iteration % 4 == 0 ? 1 : 0;
            for (int i = 0; i < inserts + invalidRows; ++i) {
                const qint64 id = ledger->nextId++;
                const bool valid = i < inserts;
                const double value = valid ? 500 + random.bounded(100000) : -7.5;
                const qint64 copyOf = ledger->candidates.at(random.bounded(int(ledger->candidates.size())));
                source.run(sql.insert, { id, value, stampText(++ledger->stamp), copyOf }, "inserting a source row");
                ledger->live.insert(id);
                ledger->inserted.insert(id);
                if (valid) {
                    ledger->candidates << id;
                    ledger->updated.insert(id, value);
                } else {
                    ledger->invalid.insert(id);
                }
            }
        });
        return QStringLiteral("~%1 -%2 +%3%4").arg(updates).arg(deletes).arg(inserts)
            .arg(iteration % 4 == 0 ? QStringLiteral(" +1 bad") : QString());
    };
}

QString checkLedger(const TableSnapshot &target, const Ledger &ledger, const std::function<QString(qint64)> &targetKey,
                    const QString &valueColumn, bool deletesFound)
{
    QStringList problems;
    const int valueIndex = int(target.columns.indexOf(valueColumn));
    QHash<QString, double> values;
    for (const QStringList &row : target.rows)
        values.insert(row.at(target.keyIndex), row.value(valueIndex).toDouble());
    QSet<QString> expected;
    for (const qint64 id : ledger.live) {
        if (!ledger.invalid.contains(id))
            expected.insert(targetKey(id));
    }
    for (const QString &key : expected) {
        if (!values.contains(key) && problems.size() < 10)
            problems << QStringLiteral("missing row with key %1").arg(key);
    }
    for (auto it = values.cbegin(); it != values.cend() && deletesFound; ++it) {
        if (!expected.contains(it.key()) && problems.size() < 10)
            problems << QStringLiteral("row with key %1 should not be there").arg(it.key());
    }
    for (const qint64 id : ledger.deleted) {
        if (deletesFound && values.contains(targetKey(id)))
            problems << QStringLiteral("source row %1 was deleted but its target row is still there").arg(id);
    }
    for (auto it = ledger.updated.cbegin(); it != ledger.updated.cend(); ++it) {
        const double found = values.value(targetKey(it.key()), NAN);
        if (!(std::fabs(found - it.value()) < 0.001) && problems.size() < 20)
            problems << QStringLiteral("source row %1: %2 is %3, the source says %4")
                            .arg(it.key()).arg(valueColumn).arg(found).arg(it.value());
    }
    if (deletesFound && target.rows.size() != expected.size())
        problems << QStringLiteral("%1 target rows, %2 live valid source rows").arg(target.rows.size()).arg(expected.size());
    return problems.join(u'\n');
}

} // namespace tf::test::crash
