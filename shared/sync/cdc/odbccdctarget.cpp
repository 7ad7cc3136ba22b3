#include "odbccdctarget.h"

#include "odbccdcstatements.h"
#include "odbccdctablewriter.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/odbcsession.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

namespace {

const QString kPositionTable = QStringLiteral("tf_cdc_position");
const QString kSnapshotTable = QStringLiteral("tf_cdc_snapshot");

QString utcNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

class OdbcTransaction final : public CdcTransaction
{
public:
    explicit OdbcTransaction(odbc::Session &session)
        : m_transaction(session)
    { }
    void commit() override { m_transaction.commit(); }

private:
    odbc::SessionTransaction m_transaction;
};

} // namespace

OdbcCdcPositionStore::OdbcCdcPositionStore(odbc::Session &session)
    : m_session(session)
{ }

void OdbcCdcPositionStore::ensureTable()
{
    const odbc::Dialect &dialect = m_session.dialect();
    const QStringList tables = m_session.connection().tables(QSql::Tables);
    if (!tables.contains(kPositionTable, Qt::CaseInsensitive))
        m_session.execDirect(odbcsql::createPositionTable(dialect), "creating tf_cdc_position");
    if (!tables.contains(kSnapshotTable, Qt::CaseInsensitive))
        m_session.execDirect(odbcsql::createSnapshotTable(dialect), "creating tf_cdc_snapshot");
}

std::optional<StoredPosition> OdbcCdcPositionStore::load(const QString &pairId, const QString &slot)
{
    QSqlQuery query
        = m_session.run(odbcsql::loadPosition(), { pairId, slot }, "reading the cdc position");
    if (!query.next())
        return std::nullopt;
    StoredPosition position;
    position.slot = slot;
    position.systemId = query.value(0).toString();
    position.timeline = query.value(1).toInt();
    position.appliedEnd = Lsn(query.value(2).toLongLong());
    return position;
}

bool OdbcCdcPositionStore::save(const QString &pairId, const StoredPosition &position)
{
    const qint64 end = qint64(position.appliedEnd);
    const QString now = utcNow();
    const QString merge = odbcsql::savePosition(m_session.dialect());
    if (!merge.isEmpty())
        return m_session
                   .run(merge,
                        { pairId, position.slot, position.systemId, position.timeline, end, now },
                        "saving the cdc position")
                   .numRowsAffected()
            > 0;
    if (m_session
            .run(odbcsql::advancePosition(),
                 { position.systemId, position.timeline, end, now, pairId, position.slot, end },
                 "saving the cdc position")
            .numRowsAffected()
        > 0)
        return true;
    if (m_session
            .run(odbcsql::positionExists(), { pairId, position.slot }, "saving the cdc position")
            .next())
        return false; // a newer position is stored
    m_session.run(odbcsql::insertPosition(),
                  { pairId, position.slot, position.systemId, position.timeline, end, now },
                  "saving the cdc position");
    return true;
}

void OdbcCdcPositionStore::remove(const QString &pairId, const QString &slot)
{
    m_session.run(odbcsql::removeRow(kPositionTable), { pairId, slot },
                  "removing the cdc position");
}

void OdbcCdcPositionStore::markSnapshot(const QString &pairId, const QString &slot)
{
    m_session.run(odbcsql::markSnapshot(m_session.dialect()),
                  { pairId, slot, utcNow(), pairId, slot }, "marking a cdc snapshot started");
}

std::optional<QDateTime> OdbcCdcPositionStore::snapshotMark(const QString &pairId,
                                                            const QString &slot)
{
    QSqlQuery query
        = m_session.run(odbcsql::snapshotMark(), { pairId, slot }, "reading the cdc snapshot mark");
    if (!query.next())
        return std::nullopt;
    return QDateTime::fromString(query.value(0).toString(), Qt::ISODateWithMs);
}

void OdbcCdcPositionStore::clearSnapshot(const QString &pairId, const QString &slot)
{
    m_session.run(odbcsql::removeRow(kSnapshotTable), { pairId, slot },
                  "clearing the cdc snapshot mark");
}

OdbcCdcTarget::OdbcCdcTarget(OdbcConnector &target)
    : m_target(target)
    , m_positions(target.session())
{ }

std::unique_ptr<CdcTransaction> OdbcCdcTarget::begin()
{
    odbc::Session &session = m_target.session();
    // Every time: a connection the session opened again after a failure starts at the default.
    const QString settings = odbcsql::sessionSettings(session.dialect());
    if (!settings.isEmpty())
        session.execDirect(settings, "setting the cdc session's row counts and isolation");
    return std::make_unique<OdbcTransaction>(session);
}

std::unique_ptr<CdcTableWriter>
OdbcCdcTarget::tableWriter(const QString &table, SchemaPtr rowSchema, const QStringList &keyColumns)
{
    return std::make_unique<OdbcCdcTableWriter>(m_target, table, std::move(rowSchema), keyColumns);
}

} // namespace tf::sync::cdc
