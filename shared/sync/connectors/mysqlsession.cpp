#include "mysqlsession.h"

#include "core/errors.h"
#include "db/sqlerrortext.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QThread>

#include <atomic>

namespace tf::sync::mysql {

namespace {

std::atomic<quint64> g_nextSessionId { 1 };

} // namespace

const QString kSessionSetup = QStringLiteral(
    "SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO', "
    "time_zone = '+00:00'");
// tx_isolation until MariaDB 11.1 and MySQL 8.0, transaction_isolation after: this spelling
// works everywhere.
const QString kIsolation = QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");

namespace {

bool validDate(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    return re.match(text).hasMatch() && QDate::fromString(text, Qt::ISODate).isValid();
}

// MySQL client and server error numbers that a retry can cure.
bool isTransient(int code)
{
    switch (code) {
    case 2002: case 2003: case 2006: case 2013: case 2055: // cannot connect, gone away, lost
    case 1205: case 1213:                                   // lock wait timeout, deadlock
    case 1040: case 1053: case 1927:                        // too many connections, shutdown, killed
        return true;
    default:
        return false;
    }
}

} // namespace

Settings Settings::parse(const SystemSettings &system)
{
    const auto problems = settingsProblems(system.settings);
    if (!problems.isEmpty()) {
        throw Error(Error::Kind::Validation, QStringLiteral("MySQL settings: %1 %2").arg(problems.first().first, problems.first().second),
                    QJsonObject { { QStringLiteral("field"), problems.first().first } });
    }
    const QJsonObject &s = system.settings;
    Settings settings;
    settings.host = s.value(QStringLiteral("host")).toString(QStringLiteral("127.0.0.1"));
    settings.port = s.value(QStringLiteral("port")).toInt(3306);
    settings.socket = s.value(QStringLiteral("socket")).toString();
    settings.database = s.value(QStringLiteral("database")).toString();
    settings.user = system.credentials.value(QStringLiteral("user")).toString();
    settings.password = system.credentials.value(QStringLiteral("password")).toString();
    if (s.contains(QStringLiteral("zero_date"))) {
        const QString zero = s.value(QStringLiteral("zero_date")).toString();
        settings.zeroDate.mapped = true;
        settings.zeroDate.date = zero == QLatin1String("null") ? QString() : zero;
    }
    return settings;
}

QList<QPair<QString, QString>> settingsProblems(const QJsonObject &s)
{
    QList<QPair<QString, QString>> problems;
    const QJsonValue database = s.value(QStringLiteral("database"));
    if (!database.isString() || database.toString().trimmed().isEmpty())
        problems.append({ QStringLiteral("database"), QStringLiteral("is required") });
    const QJsonValue port = s.value(QStringLiteral("port"));
    if (!port.isUndefined() && !port.isNull()) {
        const double number = port.toDouble(-1);
        if (!port.isDouble() || number != double(int(number)) || number < 1 || number > 65535)
            problems.append({ QStringLiteral("port"), QStringLiteral("must be an integer from 1 to 65535") });
    }
    for (const QString &key : { QStringLiteral("host"), QStringLiteral("socket") }) {
        const QJsonValue value = s.value(key);
        if (!value.isUndefined() && !value.isNull() && (!value.isString() || value.toString().isEmpty()))
            problems.append({ key, QStringLiteral("must be a non-empty string") });
    }
    const QJsonValue zero = s.value(QStringLiteral("zero_date"));
    if (!zero.isUndefined() && !(zero.isString() && (zero.toString() == QLatin1String("null") || validDate(zero.toString()))))
        problems.append({ QStringLiteral("zero_date"), QStringLiteral("must be \"null\" or a date YYYY-MM-DD") });
    return problems;
}

QString Settings::describe() const
{
    const QString where = socket.isEmpty() ? QStringLiteral("%1:%2").arg(host).arg(port) : socket;
    return QStringLiteral("mysql://%1@%2/%3").arg(user, where, database);
}

Session::Session(Settings settings)
    : m_settings(std::move(settings))
    , m_id(g_nextSessionId++)
{ }

Session::~Session()
{
    for (Role role : { Role::Read, Role::Write }) {
        const QString connectionName = name(role);
        if (!QSqlDatabase::contains(connectionName))
            continue;
        {
            QSqlDatabase db = QSqlDatabase::database(connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(connectionName);
    }
}

QString Session::name(Role role) const
{
    return QStringLiteral("tf-mysql-%1-%2").arg(m_id).arg(role == Role::Read ? QLatin1Char('r') : QLatin1Char('w'));
}

QSqlDatabase Session::connection(Role role)
{
    const QString connectionName = name(role);
    if (QSqlDatabase::contains(connectionName)) {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (db.isOpen())
            return db;
    }
    return open(role);
}

qint64 Session::connectionId(Role role) const
{
    return m_connectionIds[role == Role::Read ? 0 : 1];
}

QSqlDatabase Session::open(Role role)
{
    const QString connectionName = name(role);
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QMYSQL")))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("MySQL unavailable: the Qt SQL driver QMYSQL is not installed (Debian: libqt6sql6-mysql)"));
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::contains(connectionName) ? QSqlDatabase::database(connectionName, false)
                                                                 : QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), connectionName);
        db.setHostName(m_settings.host);
        db.setPort(m_settings.port);
        db.setDatabaseName(m_settings.database);
        db.setUserName(m_settings.user);
        db.setPassword(m_settings.password);
        QString options = QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=5");
        if (!m_settings.socket.isEmpty())
            options += QStringLiteral(";UNIX_SOCKET=") + m_settings.socket;
        db.setConnectOptions(options);
        if (db.open()) {
            QSqlQuery setup(db);
            if (setup.exec(kSessionSetup) && setup.exec(kIsolation) && setup.exec(QStringLiteral("SELECT CONNECTION_ID()")) && setup.next()) {
                m_connectionIds[role == Role::Read ? 0 : 1] = setup.value(0).toLongLong();
                return db;
            }
            failure = tf::db::sqlError(setup.lastError());
            db.close();
        } else {
            failure = tf::db::sqlError(db.lastError());
        }
    }
    QSqlDatabase::removeDatabase(connectionName);
    throw Error(Error::Kind::Unavailable, QStringLiteral("MySQL at %1 unavailable: %2").arg(m_settings.describe(), failure),
                QJsonObject { { QStringLiteral("system"), m_settings.describe() } });
}

QSqlQuery Session::run(Role role, const QString &sql, const QVariantList &values, const char *what)
{
    QSqlQuery query(connection(role));
    query.setForwardOnly(true);
    query.setNumericalPrecisionPolicy(QSql::HighPrecision); // DECIMAL as text, never a double
    if (!query.prepare(sql))
        raise(role, query, what);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec())
        raise(role, query, what);
    return query;
}

void Session::execDirect(Role role, const QString &sql, const char *what)
{
    QSqlQuery query(connection(role));
    if (!query.exec(sql))
        raise(role, query, what);
}

void Session::raise(Role role, const QSqlQuery &query, const char *what)
{
    const QSqlError error = query.lastError();
    const int code = error.nativeErrorCode().toInt();
    const bool connectionError = error.type() == QSqlError::ConnectionError;
    if ((isTransient(code) || connectionError) && code != 1205 && code != 1213) {
        // The connection itself is gone: reopen next time.
        QSqlDatabase::database(name(role), false).close();
    }
    raiseError(m_settings, code, tf::db::sqlError(error), connectionError, what);
}

void raiseError(const Settings &settings, int code, const QString &text, bool connectionError, const char *what)
{
    const QString message = QStringLiteral("MySQL %1: %2").arg(QString::fromLatin1(what), text);
    const QJsonObject details { { QStringLiteral("system"), settings.describe() },
                                { QStringLiteral("mysql_error"), code } };
    if (isTransient(code) || connectionError)
        throw Error(Error::Kind::Unavailable, message, details);
    if (code == 1062 || code == 1451 || code == 1452)
        throw Error(Error::Kind::Conflict, message, details);
    if (code == 1146 || code == 1054 || code == 1264 || code == 1406 || code == 1292 || code == 1366)
        throw Error(Error::Kind::Validation, message, details); // missing table/column, value out of range
    throw Error(Error::Kind::Internal, message, details);
}

QString Session::quote(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

SessionTransaction::SessionTransaction(Session &session, Session::Role role, bool readSnapshot)
    : m_session(session)
    , m_role(role)
{
    m_session.execDirect(role,
                         readSnapshot ? QStringLiteral("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                                      : QStringLiteral("START TRANSACTION"),
                         "starting a transaction");
    m_active = true;
}

SessionTransaction::~SessionTransaction()
{
    if (!m_active)
        return;
    try {
        m_session.execDirect(m_role, QStringLiteral("ROLLBACK"), "rolling back");
    } catch (const Error &) {
        // The connection is gone: the server has rolled back already.
    }
}

void SessionTransaction::commit()
{
    m_session.execDirect(m_role, QStringLiteral("COMMIT"), "committing");
    m_active = false;
}

} // namespace tf::sync::mysql
