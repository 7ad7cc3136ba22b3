// The table checksum of a MariaDB source for hash mode by blocks (TableChecksums of
// MysqlConnector): CHECKSUM TABLE inside START TRANSACTION WITH CONSISTENT SNAPSHOT on the read
// connection, left open for the block sums that follow (mysqlblocks.cpp), so both describe the
// same rows. MariaDB's InnoDB computes CHECKSUM TABLE from the transaction's read view (a row
// changed by another connection after the snapshot does not change it; tst_mysqltablechecksum
// checks this against the real server). The checksum covers every column of every row (NULLs,
// text stored off the page, and columns the pair does not map); the fingerprint covers what the
// row hashes cover (hashExpression over the read's columns, the zero-date mapping, the key).
// A full run asks for the same checksum in its streamed read's snapshot (checksumNextRead:
// CHECKSUM TABLE before the SELECT, mysqlreader.cpp), so the hash run after it need not scan.
#include "core/errors.h"
#include "mysqlconnector.h"
#include "mysqlsession.h"
#include "mysqlvalues.h"

#include <QCryptographicHash>

namespace tf::sync {

using mysql::Session;

std::optional<QString> MysqlConnector::checksumFingerprint(const ReadRequest &request)
{
    const mysql::ColumnInfo *key = blockKey(request);
    if (!key)
        return std::nullopt;
    if (!m_mariaDb) {
        QSqlQuery version = m_session->run(Session::Role::Read, QStringLiteral("SELECT VERSION()"), {}, "reading the version");
        m_mariaDb = version.next() && version.value(0).toString().contains(QLatin1String("MariaDB"), Qt::CaseInsensitive);
    }
    if (!*m_mariaDb)
        return std::nullopt;
    QSqlQuery engine = m_session->run(Session::Role::Read,
                                      QStringLiteral("SELECT ENGINE FROM information_schema.TABLES"
                                                     " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
                                                     " AND TABLE_TYPE = 'BASE TABLE'"),
                                      { request.entity }, "reading the table's storage engine");
    if (!engine.next() || engine.value(0).toString().compare(QLatin1String("InnoDB"), Qt::CaseInsensitive) != 0)
        return std::nullopt;
    const mysql::Table &t = table(request.entity);
    const QByteArray covered = (mysql::hashExpression(selected(t, request.columns), m_session->settings().zeroDate)
                                + QLatin1Char('|') + key->name)
                                   .toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(covered, QCryptographicHash::Sha256).toHex());
}

void MysqlConnector::checksumNextRead(const ReadRequest &request)
{
    m_nextReadChecksum.reset();
    m_readChecksum.reset();
    if (const std::optional<QString> fingerprint = checksumFingerprint(request))
        m_nextReadChecksum = TableChecksum { request.entity, *fingerprint };
}

std::optional<TableChecksum> MysqlConnector::openChecksumSnapshot(const ReadRequest &request)
{
    closeChecksumSnapshot();
    const std::optional<QString> fingerprint = checksumFingerprint(request);
    if (!fingerprint)
        return std::nullopt;
    m_session->execDirect(Session::Role::Read, QStringLiteral("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"),
                          "starting a snapshot");
    m_snapshotConnection = m_session->connectionId(Session::Role::Read);
    QSqlQuery query;
    try {
        query = m_session->run(Session::Role::Read, QStringLiteral("CHECKSUM TABLE %1").arg(Session::quote(request.entity)),
                               {}, "checksumming the table");
    } catch (...) {
        closeChecksumSnapshot();
        throw;
    }
    // NULL: the server could not checksum it (the table went away meanwhile).
    if (!query.next() || query.value(1).isNull()) {
        closeChecksumSnapshot();
        return std::nullopt;
    }
    return TableChecksum { query.value(1).toString(), *fingerprint };
}

bool MysqlConnector::closeChecksumSnapshot() noexcept
{
    const qint64 opened = std::exchange(m_snapshotConnection, 0);
    if (opened == 0)
        return false;
    try {
        // Another connection id: the one the snapshot was on is gone (an error closed it).
        if (m_session->connectionId(Session::Role::Read) != opened)
            return false;
        m_session->execDirect(Session::Role::Read, QStringLiteral("COMMIT"), "ending the snapshot");
        return m_session->connectionId(Session::Role::Read) == opened;
    } catch (...) {
        return false;
    }
}

} // namespace tf::sync
