#include "pgreplicationconnection.h"

#include "core/errors.h"
#include "db/databaseurl.h"

#include <QRegularExpression>
#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace tf::sync::cdc {

namespace {

struct ResultDeleter
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

QString text(const PGresult *result, int row, int column)
{
    return QString::fromUtf8(PQgetvalue(result, row, column));
}

QString sqlState(const PGresult *result)
{
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    return state ? QString::fromLatin1(state) : QString();
}

} // namespace

PgReplicationConnection::PgReplicationConnection(const db::DatabaseUrl &url)
{
    if (!url.isPostgres())
        throw Error(Error::Kind::Validation, QStringLiteral("cdc needs a PostgreSQL source"));
    std::vector<QByteArray> keys;
    std::vector<QByteArray> values;
    auto add = [&](const char *key, const QString &value) {
        if (value.isEmpty())
            return;
        keys.emplace_back(key);
        values.push_back(value.toUtf8());
    };
    add("host", url.host);
    add("port", url.port > 0 ? QString::number(url.port) : QString());
    add("user", url.user);
    add("password", url.password);
    add("dbname", url.database);
    for (auto it = url.options.cbegin(); it != url.options.cend(); ++it) {
        keys.push_back(it.key().toUtf8());
        values.push_back(it.value().toUtf8());
    }
    if (!url.options.contains(QStringLiteral("connect_timeout")))
        add("connect_timeout", QStringLiteral("5"));
    if (!url.options.contains(QStringLiteral("application_name")))
        add("application_name", QStringLiteral("terrafusion-cdc"));
    // pgoutput sends values as the walsender's output functions print them, under its
    // session settings: fix those, so a value's text never depends on the server's defaults
    // (time zone, date order, float digits).
    if (!url.options.contains(QStringLiteral("options")))
        add("options", QStringLiteral("-c DateStyle=ISO,YMD -c TimeZone=UTC -c IntervalStyle=postgres "
                                      "-c extra_float_digits=3 -c bytea_output=hex"));
    add("replication", QStringLiteral("database"));
    std::vector<const char *> keyPointers;
    std::vector<const char *> valuePointers;
    for (size_t i = 0; i < keys.size(); ++i) {
        keyPointers.push_back(keys[i].constData());
        valuePointers.push_back(values[i].constData());
    }
    keyPointers.push_back(nullptr);
    valuePointers.push_back(nullptr);
    m_conn = PQconnectdbParams(keyPointers.data(), valuePointers.data(), 0);
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        const QString reason = m_conn ? QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()
                                      : QStringLiteral("out of memory");
        PQfinish(m_conn);
        m_conn = nullptr;
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot open a replication connection to %1: %2")
                        .arg(url.redacted(), reason));
    }
}

PgReplicationConnection::~PgReplicationConnection()
{
    PQfinish(m_conn);
}

bool PgReplicationConnection::isValidSlotName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9_]{1,63}$"));
    return pattern.match(name).hasMatch();
}

void PgReplicationConnection::checkName(const QString &name) const
{
    if (!isValidSlotName(name))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("'%1' is not a valid slot or publication name (a-z, 0-9 and _, "
                                   "at most 63 characters)")
                        .arg(name));
}

void PgReplicationConnection::raise(const QString &what) const
{
    const bool lost = PQstatus(m_conn) != CONNECTION_OK;
    throw Error(
        lost ? Error::Kind::Unavailable : Error::Kind::Internal,
        QStringLiteral("%1: %2").arg(what, QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()));
}

SystemIdentity PgReplicationConnection::identifySystem()
{
    const Result result(PQexec(m_conn, "IDENTIFY_SYSTEM"));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1
        || PQnfields(result.get()) < 4)
        raise(QStringLiteral("IDENTIFY_SYSTEM"));
    SystemIdentity identity;
    identity.systemId = text(result.get(), 0, 0);
    identity.timeline = text(result.get(), 0, 1).toInt();
    identity.walPosition = parseLsn(text(result.get(), 0, 2)).value_or(0);
    identity.database = text(result.get(), 0, 3);
    return identity;
}

CreatedSlot PgReplicationConnection::createSlot(const QString &slot)
{
    checkName(slot);
    const QByteArray command
        = QStringLiteral("CREATE_REPLICATION_SLOT %1 LOGICAL pgoutput (SNAPSHOT 'export')")
              .arg(slot)
              .toUtf8();
    const Result result(PQexec(m_conn, command.constData()));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) {
        if (sqlState(result.get()) == QLatin1String("42710"))
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("the replication slot %1 already exists").arg(slot));
        raise(QStringLiteral("creating the replication slot %1").arg(slot));
    }
    CreatedSlot created;
    created.name = text(result.get(), 0, 0);
    const auto point = parseLsn(text(result.get(), 0, 1));
    if (!point)
        raise(QStringLiteral("creating the replication slot %1: no consistent point").arg(slot));
    created.consistentPoint = *point;
    created.snapshotName = text(result.get(), 0, 2);
    return created;
}

void PgReplicationConnection::dropSlot(const QString &slot)
{
    checkName(slot);
    const QByteArray command = QStringLiteral("DROP_REPLICATION_SLOT %1 WAIT").arg(slot).toUtf8();
    const Result result(PQexec(m_conn, command.constData()));
    if (PQresultStatus(result.get()) == PGRES_COMMAND_OK)
        return;
    if (sqlState(result.get()) == QLatin1String("42704")) // undefined_object: already gone
        return;
    raise(QStringLiteral("dropping the replication slot %1").arg(slot));
}

void PgReplicationConnection::startReplication(const QString &slot, Lsn start,
                                               const QStringList &publications)
{
    checkName(slot);
    QStringList quoted;
    for (const QString &publication : publications) {
        checkName(publication);
        quoted << QStringLiteral("\"%1\"").arg(publication);
    }
    // publication_names is one string literal holding a comma-separated identifier list.
    const QByteArray command
        = QStringLiteral("START_REPLICATION SLOT %1 LOGICAL %2 (proto_version '1', "
                         "publication_names '%3')")
              .arg(slot, formatLsn(start), quoted.join(QLatin1Char(',')))
              .toUtf8();
    const Result result(PQexec(m_conn, command.constData()));
    if (PQresultStatus(result.get()) != PGRES_COPY_BOTH)
        raise(
            QStringLiteral("starting replication from slot %1 at %2").arg(slot, formatLsn(start)));
}

} // namespace tf::sync::cdc
