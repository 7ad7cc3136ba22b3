#include "postgresdump.h"

#include "core/errors.h"
#include "core/redact.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace tf::ops {

namespace {

constexpr int kStartTimeoutMs = 10000;
constexpr qint64 kMaxPendingBytes = 8 << 20;

// A libpq conninfo value: single-quoted, with \ and ' escaped.
QString conninfoValue(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

// The last lines of a program's stderr that say what went wrong (its --verbose chatter
// left out), secrets redacted.
QString failureText(const QByteArray &stderrBytes)
{
    QStringList lines;
    for (const QByteArray &raw : stderrBytes.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            continue;
        if (line.contains(QLatin1String("error"), Qt::CaseInsensitive)
            || line.contains(QLatin1String("FATAL")) || line.contains(QLatin1String("fatal"))
            || line.contains(QLatin1String("could not")) || line.contains(QLatin1String("DETAIL"))
            || line.contains(QLatin1String("invalid")))
            lines << line;
    }
    if (lines.isEmpty()) {
        for (const QByteArray &raw : stderrBytes.split('\n')) {
            if (!raw.trimmed().isEmpty())
                lines << QString::fromUtf8(raw).trimmed();
        }
    }
    return redactSecrets(
        lines.mid(qMax<qsizetype>(0, lines.size() - 4)).join(QStringLiteral("; ")));
}

void startOrThrow(QProcess &process, const QString &program, const QStringList &arguments)
{
    process.start(program, arguments);
    if (!process.waitForStarted(kStartTimeoutMs))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot run %1: %2").arg(program, process.errorString()));
}

bool finishedCleanly(const QProcess &process)
{
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

} // namespace

PostgresDump::PostgresDump(db::DatabaseUrl url)
    : m_url(std::move(url))
{ }

QString PostgresDump::findProgram(const QString &name)
{
    const QString onPath = QStandardPaths::findExecutable(name);
    if (!onPath.isEmpty())
        return onPath;
    QStringList versions
        = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(),
              [&](const QString &a, const QString &b) { return numeric.compare(a, b) > 0; });
    for (const QString &version : std::as_const(versions)) {
        const QString candidate
            = QStringLiteral("/usr/lib/postgresql/%1/bin/%2").arg(version, name);
        if (QFileInfo(candidate).isExecutable())
            return candidate;
    }
    throw Error(
        Error::Kind::Unavailable,
        QStringLiteral(
            "%1 not found on PATH or in /usr/lib/postgresql/*/bin; install the PostgreSQL client "
            "programs (Debian: postgresql-client)")
            .arg(name));
}

QString PostgresDump::version() const
{
    QProcess process;
    startOrThrow(process, findProgram(QStringLiteral("pg_dump")), { QStringLiteral("--version") });
    process.waitForFinished(kStartTimeoutMs);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

QString PostgresDump::conninfo() const
{
    QStringList parts;
    if (!m_url.host.isEmpty())
        parts << QStringLiteral("host=") + conninfoValue(m_url.host);
    if (m_url.port > 0)
        parts << QStringLiteral("port=") + conninfoValue(QString::number(m_url.port));
    if (!m_url.user.isEmpty())
        parts << QStringLiteral("user=") + conninfoValue(m_url.user);
    parts << QStringLiteral("dbname=") + conninfoValue(m_url.database);
    QHash<QString, QString> options = m_url.options;
    options.insert(QStringLiteral("application_name"), QStringLiteral("terrafusion-backup"));
    if (!options.contains(QStringLiteral("connect_timeout")))
        options.insert(QStringLiteral("connect_timeout"), QStringLiteral("10"));
    QStringList keys = options.keys();
    keys.sort();
    for (const QString &key : std::as_const(keys))
        parts << key + QLatin1Char('=') + conninfoValue(options.value(key));
    return parts.join(QLatin1Char(' '));
}

QProcessEnvironment PostgresDump::environment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!m_url.password.isEmpty())
        environment.insert(QStringLiteral("PGPASSWORD"), m_url.password);
    return environment;
}

void PostgresDump::dump(const QString &snapshot, const QString &path, int tableCount,
                        const ProgressFn &progress, double from, double to) const
{
    QProcess process;
    process.setProcessEnvironment(environment());
    startOrThrow(process, findProgram(QStringLiteral("pg_dump")),
                 { QStringLiteral("--format=custom"), QStringLiteral("--no-owner"),
                   QStringLiteral("--no-privileges"), QStringLiteral("--verbose"),
                   QStringLiteral("--snapshot=") + snapshot, QStringLiteral("--file=") + path,
                   QStringLiteral("--dbname=") + conninfo() });
    static const QRegularExpression tableLine(
        QStringLiteral("dumping contents of table \"([^\"]+)\""));
    QByteArray errors;
    QByteArray pending;
    int tablesDone = 0;
    process.setReadChannel(QProcess::StandardError);
    while (process.state() != QProcess::NotRunning || process.bytesAvailable() > 0) {
        process.waitForReadyRead(200);
        pending += process.readAllStandardError();
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(newline);
            pending.remove(0, newline + 1);
            const auto match = tableLine.match(QString::fromUtf8(line));
            if (match.hasMatch()) {
                ++tablesDone;
                if (progress)
                    progress(from
                                 + (to - from) * double(qMin(tablesDone, tableCount))
                                     / double(qMax(1, tableCount)),
                             QStringLiteral("dumping table %1 (%2/%3)")
                                 .arg(match.captured(1))
                                 .arg(tablesDone)
                                 .arg(tableCount));
            } else {
                errors += line + '\n';
            }
        }
        if (process.state() == QProcess::NotRunning && process.bytesAvailable() == 0)
            break;
    }
    process.waitForFinished(-1);
    errors += pending + process.readAllStandardError();
    if (!finishedCleanly(process))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("pg_dump failed: %1").arg(failureText(errors)));
}

int PostgresDump::tableDataEntries(const QString &path) const
{
    QProcess process;
    startOrThrow(process, findProgram(QStringLiteral("pg_restore")),
                 { QStringLiteral("--list"), path });
    process.waitForFinished(-1);
    const QByteArray listing = process.readAllStandardOutput();
    if (!finishedCleanly(process))
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("corrupted: pg_restore cannot read %1: %2")
                .arg(QFileInfo(path).fileName(), failureText(process.readAllStandardError())));
    int entries = 0;
    for (const QByteArray &line : listing.split('\n')) {
        if (!line.startsWith(';') && line.contains(" TABLE DATA "))
            ++entries;
    }
    return entries;
}

namespace {

QString sqlLiteral(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

// The statements psql runs after the restored data, before COMMIT: the tables now in schema
// public and the checksum of each table the backup has. psql prints them as
// "tf-table\0<name>" and "tf-verify\0<name>\0<rows>\0<checksum>" lines, then "tf-verify-end".
QByteArray verificationScript(const TableChecksums &expected)
{
    QString sql = QStringLiteral("\n");
    for (const QString &statement : postgresChecksumSessionSql())
        sql += statement + QStringLiteral(";\n");
    sql += QStringLiteral(
        "SELECT 'tf-table', tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public';\n");
    for (auto it = expected.cbegin(); it != expected.cend(); ++it)
        sql += QStringLiteral("SELECT 'tf-verify', %1, tf_sum.* FROM (%2) AS tf_sum;\n")
                   .arg(sqlLiteral(it.key()), postgresChecksumSql(it.key()));
    sql += QStringLiteral("SELECT 'tf-verify-end';\n");
    return sql.toUtf8();
}

TableChecksums parseVerification(const QByteArray &output)
{
    TableChecksums found;
    QStringList present;
    for (const QByteArray &line : output.split('\n')) {
        const QList<QByteArray> fields = line.split('\0');
        if (fields.value(0) == "tf-table" && fields.size() == 2)
            present << QString::fromUtf8(fields.at(1));
        else if (fields.value(0) == "tf-verify" && fields.size() == 4)
            found.insert(
                QString::fromUtf8(fields.at(1)),
                TableChecksum { fields.at(2).toLongLong(), QString::fromUtf8(fields.at(3)) });
    }
    for (const QString &table : std::as_const(present)) {
        if (!found.contains(table))
            found.insert(table, TableChecksum { -1, QStringLiteral("not in the backup") });
    }
    return found;
}

} // namespace

TableChecksums PostgresDump::restore(const QString &path, const QString &preamble,
                                     int tableDataEntries, const TableChecksums &expected,
                                     const ProgressFn &progress, double from, double to) const
{
    QProcess psql;
    psql.setProcessEnvironment(environment());
    // Unaligned, tuples only, fields separated by NUL: the verification lines parse exactly.
    startOrThrow(psql, findProgram(QStringLiteral("psql")),
                 { QStringLiteral("--no-psqlrc"), QStringLiteral("--quiet"),
                   QStringLiteral("--set=ON_ERROR_STOP=1"), QStringLiteral("--no-align"),
                   QStringLiteral("--tuples-only"), QStringLiteral("--field-separator-zero"),
                   QStringLiteral("--dbname=") + conninfo(), QStringLiteral("--file=-") });
    psql.write("SET client_min_messages = warning;\nBEGIN;\n");
    psql.write(preamble.toUtf8());
    psql.write("\n");

    QProcess restore;
    startOrThrow(restore, findProgram(QStringLiteral("pg_restore")),
                 { QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"),
                   QStringLiteral("--clean"), QStringLiteral("--if-exists"),
                   QStringLiteral("--file=-"), path });
    const double verifyFrom = from + (to - from) * 0.8;
    int copies = 0;
    QByteArray tail; // the previous chunk's last 5 bytes: a "\nCOPY " split between chunks still
                     // counts once
    QByteArray output;
    auto psqlGone = [&] { return psql.state() == QProcess::NotRunning; };
    while (!psqlGone()) {
        restore.waitForReadyRead(200);
        const QByteArray chunk = restore.readAllStandardOutput();
        if (!chunk.isEmpty()) {
            const QByteArray window = tail + chunk;
            const int before = copies;
            for (qsizetype at = window.indexOf("\nCOPY "); at >= 0;
                 at = window.indexOf("\nCOPY ", at + 1))
                ++copies;
            tail = window.right(5);
            psql.write(chunk);
            if (progress && copies != before)
                progress(from
                             + (verifyFrom - from) * double(qMin(copies, tableDataEntries))
                                 / double(qMax(1, tableDataEntries)),
                         QStringLiteral("restoring table data (%1/%2)")
                             .arg(copies)
                             .arg(tableDataEntries));
        }
        if (psql.bytesToWrite() > 0)
            psql.waitForBytesWritten(0);
        while (psql.bytesToWrite() > kMaxPendingBytes && !psqlGone())
            psql.waitForBytesWritten(200);
        output += psql.readAllStandardOutput();
        if (restore.state() == QProcess::NotRunning && restore.bytesAvailable() == 0)
            break;
    }
    if (psqlGone() && restore.state() != QProcess::NotRunning)
        restore.kill(); // psql stopped at an error: the rest of the script has nowhere to go
    restore.waitForFinished(-1);
    const bool restoreOk = finishedCleanly(restore);
    const QByteArray restoreErrors = restore.readAllStandardError();

    // Still inside the transaction: is every table as the backup has it?
    TableChecksums found;
    QStringList differences;
    if (restoreOk && !psqlGone()) {
        if (progress)
            progress(verifyFrom, QStringLiteral("verifying every restored table before COMMIT"));
        psql.write(verificationScript(expected));
        while (!psqlGone() && !output.contains("tf-verify-end\n")) {
            psql.waitForReadyRead(200);
            output += psql.readAllStandardOutput();
        }
        found = parseVerification(output);
        differences = compareTableChecksums(expected, found);
    }
    if (!psqlGone()) {
        // COMMIT only when pg_restore produced the whole script and every table matches.
        const bool commit
            = restoreOk && output.contains("tf-verify-end\n") && differences.isEmpty();
        psql.write(commit ? "COMMIT;\n" : "ROLLBACK;\n");
        psql.closeWriteChannel();
    }
    psql.waitForFinished(-1);
    const QByteArray psqlErrors = psql.readAllStandardError();
    if (!finishedCleanly(psql))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("restoring into the database failed, nothing was changed: %1")
                        .arg(failureText(psqlErrors)));
    if (!restoreOk)
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("pg_restore failed, the database is unchanged: %1")
                        .arg(failureText(restoreErrors)));
    if (!differences.isEmpty())
        throw Error(Error::Kind::Internal,
                    QStringLiteral("the restored tables would differ from the backup (%1); rolled "
                                   "back, nothing was changed")
                        .arg(differences.mid(0, 5).join(QStringLiteral("; "))));
    if (progress)
        progress(
            to,
            QStringLiteral("restored %1 tables, each identical to the backup").arg(found.size()));
    return found;
}

} // namespace tf::ops
