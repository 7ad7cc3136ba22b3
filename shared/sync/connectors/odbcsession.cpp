#include "odbcsession.h"

#include "core/errors.h"
#include "db/sqlerrortext.h"

#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>

#include <atomic>

namespace tf::sync::odbc {

namespace {

std::atomic<quint64> g_nextSessionId { 1 };

// key=value pairs of a connection string, keys lower case (values may be {braced}).
QHash<QString, QString> attributes(const QString &connectionString)
{
    QHash<QString, QString> result;
    static const QRegularExpression re(QStringLiteral("\\s*([^=;]+?)\\s*=\\s*(\\{[^}]*\\}|[^;]*)\\s*(;|$)"));
    auto it = re.globalMatch(connectionString);
    while (it.hasNext()) {
        const auto match = it.next();
        QString value = match.captured(2);
        if (value.startsWith(QLatin1Char('{')) && value.endsWith(QLatin1Char('}')))
            value = value.mid(1, value.size() - 2);
        result.insert(match.captured(1).toLower(), value);
    }
    return result;
}

// A value for a connection string: braced when it holds ; { } or spaces at its ends.
QString attribute(const QString &value)
{
    if (value.contains(QLatin1Char(';')) || value.contains(QLatin1Char('{')) || value.contains(QLatin1Char('}'))
        || value.trimmed() != value)
        return QLatin1Char('{') + value + QLatin1Char('}');
    return value;
}

Dbms dbmsOf(const QSqlDatabase &db)
{
    switch (db.driver()->dbmsType()) {
    case QSqlDriver::PostgreSQL: return Dbms::PostgreSQL;
    case QSqlDriver::MSSqlServer: return Dbms::SqlServer;
    default: break;
    }
    QSqlQuery probe(db); // the SQLite ODBC driver is not one Qt recognises
    if (probe.exec(QStringLiteral("SELECT sqlite_version()")))
        return Dbms::SQLite;
    return Dbms::Generic;
}

} // namespace

Settings Settings::parse(const SystemSettings &system)
{
    const auto problems = settingsProblems(system.kind, system.settings);
    if (!problems.isEmpty()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 settings: %2 %3").arg(system.kind, problems.first().first, problems.first().second),
                    QJsonObject { { QStringLiteral("field"), problems.first().first } });
    }
    const QJsonObject &s = system.settings;
    Settings settings;
    settings.user = system.credentials.value(QStringLiteral("user")).toString();
    settings.password = system.credentials.value(QStringLiteral("password")).toString();
    if (system.kind == QLatin1String("sqlserver")) {
        settings.sqlServer = true;
        settings.host = s.value(QStringLiteral("host")).toString();
        settings.port = s.value(QStringLiteral("port")).toInt(1433);
        settings.connectionString = QStringLiteral("Driver=%1;Server=%2;Port=%3;Database=%4;TDS_Version=7.4;ClientCharset=UTF-8")
                                        .arg(attribute(s.value(QStringLiteral("driver")).toString(kFreeTdsDriver)),
                                             attribute(settings.host))
                                        .arg(settings.port)
                                        .arg(attribute(s.value(QStringLiteral("database")).toString()));
    } else {
        settings.connectionString = s.value(QStringLiteral("connection_string")).toString().trimmed();
    }
    return settings;
}

QString Settings::connectString() const
{
    QString text = connectionString;
    if (!text.endsWith(QLatin1Char(';')))
        text += QLatin1Char(';');
    if (!user.isEmpty())
        text += QStringLiteral("UID=%1;").arg(attribute(user));
    if (!password.isEmpty())
        text += QStringLiteral("PWD=%1;").arg(attribute(password));
    return text;
}

QString Settings::describe() const
{
    if (sqlServer) {
        const QString database = attributes(connectionString).value(QStringLiteral("database"));
        return QStringLiteral("sqlserver://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
    }
    return QStringLiteral("odbc:") + connectionString;
}

QList<QPair<QString, QString>> settingsProblems(const QString &kind, const QJsonObject &s)
{
    QList<QPair<QString, QString>> problems;
    if (kind == QLatin1String("sqlserver")) {
        for (const QString &key : { QStringLiteral("host"), QStringLiteral("database") }) {
            const QJsonValue value = s.value(key);
            if (!value.isString() || value.toString().trimmed().isEmpty())
                problems.append({ key, QStringLiteral("is required") });
        }
        const QJsonValue port = s.value(QStringLiteral("port"));
        if (!port.isUndefined() && !port.isNull()) {
            const double number = port.toDouble(-1);
            if (!port.isDouble() || number != double(int(number)) || number < 1 || number > 65535)
                problems.append({ QStringLiteral("port"), QStringLiteral("must be an integer from 1 to 65535") });
        }
        const QJsonValue driver = s.value(QStringLiteral("driver"));
        if (!driver.isUndefined() && (!driver.isString() || !driver.toString().startsWith(QLatin1Char('/'))))
            problems.append({ QStringLiteral("driver"), QStringLiteral("must be the absolute path of the ODBC driver file") });
        return problems;
    }
    const QJsonValue value = s.value(QStringLiteral("connection_string"));
    if (!value.isString() || value.toString().trimmed().isEmpty()) {
        problems.append({ QStringLiteral("connection_string"), QStringLiteral("is required") });
        return problems;
    }
    const QHash<QString, QString> pairs = attributes(value.toString());
    if (!pairs.value(QStringLiteral("driver")).startsWith(QLatin1Char('/')))
        problems.append({ QStringLiteral("connection_string"),
                          QStringLiteral("must name the driver file: Driver=/absolute/path/of/driver.so") });
    for (const QString &secret : { QStringLiteral("pwd"), QStringLiteral("password"), QStringLiteral("uid") }) {
        if (pairs.contains(secret))
            problems.append({ QStringLiteral("connection_string"),
                              QStringLiteral("must not hold %1: user and password belong in credentials").arg(secret.toUpper()) });
    }
    return problems;
}

Session::Session(Settings settings)
    : m_settings(std::move(settings))
    , m_name(QStringLiteral("tf-odbc-%1").arg(g_nextSessionId++))
{ }

Session::~Session()
{
    if (!QSqlDatabase::contains(m_name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

QSqlDatabase Session::connection()
{
    if (QSqlDatabase::contains(m_name)) {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isOpen())
            return db;
    }
    return open();
}

const Dialect &Session::dialect()
{
    connection();
    return m_dialect;
}

QSqlDatabase Session::open()
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QODBC")))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("ODBC unavailable: the Qt SQL driver QODBC is not installed (Debian: libqt6sql6-odbc)"));
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::contains(m_name) ? QSqlDatabase::database(m_name, false)
                                                         : QSqlDatabase::addDatabase(QStringLiteral("QODBC"), m_name);
        db.setDatabaseName(m_settings.connectString());
        db.setConnectOptions(QStringLiteral("SQL_ATTR_LOGIN_TIMEOUT=5;SQL_ATTR_CONNECTION_TIMEOUT=30"));
        if (db.open()) {
            m_dialect = Dialect(m_settings.sqlServer ? Dbms::SqlServer : dbmsOf(db));
            return db;
        }
        failure = tf::db::sqlError(db.lastError());
        // The string the driver saw holds the password: forget it.
        db.setDatabaseName(QString());
    }
    QSqlDatabase::removeDatabase(m_name);
    if (m_settings.sqlServer) {
        const bool login = failure.contains(QLatin1String("28000")) || failure.contains(QLatin1String("Login failed"), Qt::CaseInsensitive);
        throw Error(Error::Kind::Unavailable,
                    login ? QStringLiteral("SQL Server at %1:%2 refused the login of '%3' (TDS 7.4): %4")
                                .arg(m_settings.host).arg(m_settings.port).arg(m_settings.user, failure)
                          : QStringLiteral("SQL Server at %1:%2 did not answer (TDS 7.4): %3")
                                .arg(m_settings.host).arg(m_settings.port).arg(failure),
                    QJsonObject { { QStringLiteral("system"), m_settings.describe() } });
    }
    throw Error(Error::Kind::Unavailable, QStringLiteral("ODBC data source %1 unavailable: %2").arg(m_settings.describe(), failure),
                QJsonObject { { QStringLiteral("system"), m_settings.describe() } });
}

QSqlQuery Session::run(const QString &sql, const QVariantList &values, const char *what)
{
    QSqlQuery query(connection());
    query.setForwardOnly(true);
    query.setNumericalPrecisionPolicy(QSql::HighPrecision); // DECIMAL as text, never a double
    if (!query.prepare(sql))
        raise(query, what);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec())
        raise(query, what);
    return query;
}

void Session::execDirect(const QString &sql, const char *what)
{
    QSqlQuery query(connection());
    if (!query.exec(sql))
        raise(query, what);
}

void Session::raise(const QSqlQuery &query, const char *what)
{
    const QSqlError error = query.lastError();
    const QString state = error.nativeErrorCode();
    const QString message = QStringLiteral("ODBC %1: %2").arg(QString::fromLatin1(what), tf::db::sqlError(error));
    const QJsonObject details { { QStringLiteral("system"), m_settings.describe() }, { QStringLiteral("sqlstate"), state } };
    // SQLSTATE classes: 08 connection, 40 rollback (deadlock, serialization), HYT timeout.
    if (state.startsWith(QLatin1String("08")) || state.startsWith(QLatin1String("40")) || state.startsWith(QLatin1String("HYT"))
        || error.type() == QSqlError::ConnectionError) {
        if (state.startsWith(QLatin1String("08")))
            QSqlDatabase::database(m_name, false).close();
        throw Error(Error::Kind::Unavailable, message, details);
    }
    if (state.startsWith(QLatin1String("23")))
        throw Error(Error::Kind::Conflict, message, details);
    if (state.startsWith(QLatin1String("22")) || state.startsWith(QLatin1String("42")))
        throw Error(Error::Kind::Validation, message, details); // data exception, missing table or column
    throw Error(Error::Kind::Internal, message, details);
}

void Session::begin()
{
    if (!connection().transaction())
        throw Error(Error::Kind::Unavailable, QStringLiteral("ODBC starting a transaction: %1").arg(tf::db::sqlError(connection().lastError())));
}

void Session::commit()
{
    if (!connection().commit())
        throw Error(Error::Kind::Unavailable, QStringLiteral("ODBC committing: %1").arg(tf::db::sqlError(connection().lastError())));
}

void Session::rollback()
{
    if (QSqlDatabase::contains(m_name))
        QSqlDatabase::database(m_name, false).rollback();
}

SessionTransaction::SessionTransaction(Session &session)
    : m_session(session)
{
    m_session.begin();
    m_active = true;
}

SessionTransaction::~SessionTransaction()
{
    if (m_active)
        m_session.rollback();
}

void SessionTransaction::commit()
{
    m_session.commit();
    m_active = false;
}

} // namespace tf::sync::odbc
