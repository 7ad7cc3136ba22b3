#pragma once

// What the cdc crash tests (tst_cdccrash, tst_cdcsqlite) run beside the streaming process they
// kill: a writer changing cdc_src.parcel (cdcpairfixture.h) all along.
#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"

#include <QRandomGenerator>
#include <QSqlQuery>
#include <QThread>
#include <atomic>
#include <memory>

namespace tf::test::cdcpair {

// A concurrent writer: small transactions of inserts (new keys), updates (version + 1) and
// deletes, sometimes several in one transaction, until stopped.
class SourceWriter final
{
public:
    SourceWriter(QString url, bool deletes)
        : m_url(std::move(url))
        , m_deletes(deletes)
    { }
    ~SourceWriter() { stop(); }

    void start(qint64 firstId)
    {
        m_stop.store(false);
        m_thread.reset(QThread::create([this, firstId] { run(firstId); }));
        m_thread->start();
    }
    void stop()
    {
        m_stop.store(true);
        if (m_thread)
            m_thread->wait();
        m_thread.reset();
    }
    qint64 nextId() const { return m_next.load(); }
    QString error() const { return m_error; }

private:
    void run(qint64 firstId)
    {
        db::Database source(db::DatabaseUrl::parse(m_url));
        QRandomGenerator random { quint32(firstId) };
        m_next = firstId;
        try {
            while (!m_stop.load()) {
                db::Transaction transaction(source);
                const int statements = 1 + int(random.bounded(3));
                for (int s = 0; s < statements; ++s) {
                    const int what = int(random.bounded(10));
                    QSqlQuery query(source.connection());
                    if (what < 4) {
                        const qint64 id = m_next++;
                        query = source.prepare(QStringLiteral(
                            "INSERT INTO cdc_src.parcel (id, region, name) VALUES (?, ?, ?)"));
                        query.addBindValue(id);
                        query.addBindValue(QStringLiteral("r%1").arg(id % 3));
                        query.addBindValue(QStringLiteral("n%1").arg(id));
                    } else if (what < 9 || !m_deletes) {
                        query = source.prepare(QStringLiteral(
                            "UPDATE cdc_src.parcel SET version = version + 1, name = md5(random()::text) "
                            "WHERE id = ?"));
                        query.addBindValue(qint64(random.bounded(quint32(m_next.load()))));
                    } else {
                        query = source.prepare(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = ?"));
                        query.addBindValue(qint64(random.bounded(quint32(m_next.load()))));
                    }
                    source.exec(query, "concurrent writer");
                }
                transaction.commit();
                QThread::msleep(2); // a steady load the row-by-row apply can follow
            }
        } catch (const Error &error) {
            m_error = error.message();
        }
        source.closeThreadConnection();
    }

    QString m_url;
    bool m_deletes;
    std::atomic_bool m_stop { false };
    std::atomic<qint64> m_next { 0 };
    QString m_error;
    std::unique_ptr<QThread> m_thread;
};

} // namespace tf::test::cdcpair
