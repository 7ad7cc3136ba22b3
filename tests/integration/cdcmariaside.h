#pragma once

// A MariaDB database of the throwaway server (mariadbserver.h) as the cdc target scenarios
// (cdctargetscenario.h) see it: tst_cdcmariadb and tst_cdcmariadbmatrix.
#include "cdctargetscenario.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/mysqlsession.h"

#include <QSqlQuery>

namespace tf::test::cdcpair {

inline sync::SystemSettings mariaSettings(int port, const QString &database)
{
    return sync::SystemSettings { QStringLiteral("mysql"),
                                  { { QStringLiteral("host"), QStringLiteral("127.0.0.1") },
                                    { QStringLiteral("port"), port },
                                    { QStringLiteral("database"), database } },
                                  { { QStringLiteral("user"), QStringLiteral("root") } } };
}

// The database through a connector of the test's own thread.
class MariaSide final : public CdcTargetSide
{
public:
    static constexpr auto kWrite = sync::mysql::Session::Role::Write;

    MariaSide(int port, QString database)
        : m_port(port)
        , m_database(std::move(database))
        , m_reader(mariaSettings(port, m_database))
    { }

    std::unique_ptr<sync::TargetConnector> connector() override
    {
        return std::make_unique<sync::MysqlConnector>(mariaSettings(m_port, m_database));
    }
    QString text(const QString &sql) override
    {
        QSqlQuery query = m_reader.session().run(kWrite, sql, {}, "cdc mariadb test");
        return query.next() && !query.value(0).isNull() ? query.value(0).toString() : QString();
    }
    void exec(const QString &sql) override { m_reader.session().execDirect(kWrite, sql, "cdc mariadb test"); }
    QStringList parcelRows() override
    {
        QSqlQuery query = m_reader.session().run(kWrite, QStringLiteral("SELECT id, region, name, big, version FROM parcel"),
                                                 {}, "reading parcels");
        return test::cdcpair::parcelRows(query);
    }
    qint64 storedEnd(const QString &pairId) override
    {
        if (value(QStringLiteral("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                 "AND TABLE_NAME = 'tf_cdc_position'"))
            == 0)
            return -1;
        const QString end = text(
            QStringLiteral("SELECT CAST(end_lsn AS CHAR) FROM tf_cdc_position WHERE pair_id = '%1'").arg(pairId));
        return end.isEmpty() ? -1 : end.toLongLong();
    }

private:
    int m_port;
    QString m_database;
    sync::MysqlConnector m_reader;
};

} // namespace tf::test::cdcpair
