#include "auditcommand.h"

#include "tfctl/platformlocation.h"

#include "common/auditlog.h"
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/auditcsv.h"
#include "db/repositories/auditrepository.h"
#include "tfctl/toolcontext.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimeZone>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl audit");
constexpr int kExportBatch = 1000;


// At most one line every 250 ms (and always the last), to `stream`.
class ProgressLines
{
public:
    explicit ProgressLines(FILE *stream)
        : m_stream(stream)
    {
        m_clock.start();
    }
    void print(const QString &line, bool last = false)
    {
        const qint64 now = m_clock.elapsed();
        if (!last && now - m_lastMs < 250)
            return;
        m_lastMs = now;
        std::fprintf(m_stream, "[%7.1fs] %s\n", double(now) / 1000.0, qPrintable(line));
        std::fflush(m_stream);
    }

private:
    FILE *m_stream;
    QElapsedTimer m_clock;
    qint64 m_lastMs = -1000;
};

QDateTime timeOption(const CommandLine &commandLine, const QString &name)
{
    if (!commandLine.isSet(name))
        return {};
    const QString text = commandLine.value(name).trimmed();
    QDateTime time;
    if (text.size() == 10) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (date.isValid())
            time = QDateTime(date, QTime(0, 0), QTimeZone::utc());
    } else {
        time = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (time.isValid() && time.timeSpec() == Qt::LocalTime)
            time.setTimeZone(QTimeZone::utc()); // the audit trail is in UTC
    }
    if (!time.isValid())
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("--%1 must be a date (2025-01-31) or an ISO 8601 time (2025-01-31T02:00:00Z)").arg(name));
    return time.toUTC();
}

int verify(db::ControlDatabase &control, bool json)
{
    db::AuditRepository audit(control.database());
    ProgressLines progress(stderr);
    const db::AuditVerification result = audit.verify([&progress](qint64 checked, qint64 lastId) {
        progress.print(QStringLiteral("checked %1 entries (through id %2)").arg(checked).arg(lastId));
    });
    if (json)
        std::printf("%s\n", QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented).constData());
    if (result.intact) {
        if (!json) {
            if (result.checked == 0)
                std::printf("audit trail is empty\n");
            else
                std::printf("audit trail intact: %lld entries checked (ids %lld to %lld%s), latest hash %s\n",
                            static_cast<long long>(result.checked), static_cast<long long>(result.firstId),
                            static_cast<long long>(result.lastId),
                            result.purgedThrough > 0 ? qPrintable(QStringLiteral("; entries up to %1 purged").arg(result.purgedThrough)) : "",
                            qPrintable(result.latestHash));
        }
        return 0;
    }
    if (!json)
        std::printf("audit trail BROKEN at entry %lld: %s (%lld entries before it are intact)\n",
                    static_cast<long long>(result.brokenAt), qPrintable(result.problem), static_cast<long long>(result.checked));
    http::AuditEvent event;
    event.eventType = QStringLiteral("audit.verify_failed");
    event.severity = QStringLiteral("critical");
    event.resourceType = QStringLiteral("audit_entry");
    event.resourceId = QString::number(result.brokenAt);
    event.description = QStringLiteral("Audit chain broken at entry %1: %2").arg(result.brokenAt).arg(result.problem);
    http::recordAudit(control.database(), platform::actor(), QStringLiteral("local"), event);
    return 1;
}

int exportCsv(db::ControlDatabase &control, const db::AuditFilter &filter, const QString &output)
{
    db::AuditRepository audit(control.database());
    const qint64 upTo = audit.newestId();
    const QList<db::AuditEntry> oldest = audit.ascending({}, 0, upTo, 1);
    const qint64 firstId = oldest.isEmpty() ? 0 : oldest.first().id;

    QSaveFile file(output.isEmpty() ? QStringLiteral("-") : output);
    QFile stdoutFile;
    QIODevice *device = &file;
    if (output.isEmpty()) {
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
            throw Error(Error::Kind::Internal, QStringLiteral("cannot write to standard output"));
        device = &stdoutFile;
    } else if (!file.open(QIODevice::WriteOnly)) {
        throw Error(Error::Kind::Validation, QStringLiteral("cannot write %1: %2").arg(output, file.errorString()));
    }
    // With the CSV on standard output, progress goes to standard error.
    ProgressLines progress(output.isEmpty() ? stderr : stdout);
    auto write = [&](const QByteArray &bytes) {
        if (device->write(bytes) != bytes.size())
            throw Error(Error::Kind::Unavailable, QStringLiteral("writing %1 failed: %2")
                                                      .arg(output.isEmpty() ? QStringLiteral("standard output") : output, device->errorString()));
    };
    write(db::auditcsv::header());
    qint64 after = 0;
    qint64 rows = 0;
    for (;;) {
        const QList<db::AuditEntry> batch = audit.ascending(filter, after, upTo, kExportBatch);
        if (batch.isEmpty())
            break;
        write(db::auditcsv::rows(batch));
        rows += batch.size();
        after = batch.last().id;
        const double done = upTo > firstId ? double(after - firstId) / double(upTo - firstId) : 1.0;
        progress.print(QStringLiteral("%1% exported %2 entries (through id %3 of %4)")
                           .arg(int(done * 100.0)).arg(rows).arg(after).arg(upTo));
        if (batch.size() < kExportBatch)
            break;
    }
    if (!output.isEmpty() && !file.commit())
        throw Error(Error::Kind::Unavailable, QStringLiteral("writing %1 failed: %2").arg(output, file.errorString()));
    if (output.isEmpty())
        stdoutFile.flush();
    progress.print(QStringLiteral("100% exported %1 entries%2").arg(rows).arg(output.isEmpty() ? QString() : QStringLiteral(" to ") + output), true);

    http::AuditEvent event;
    event.eventType = QStringLiteral("audit.exported");
    event.resourceType = QStringLiteral("audit_trail");
    event.description = QStringLiteral("Audit trail exported as CSV by tfctl (%1 entries up to id %2)").arg(rows).arg(upTo);
    event.after = QJsonObject { { QStringLiteral("filter"), filter.toJson() }, { QStringLiteral("up_to_id"), upTo },
                                { QStringLiteral("rows"), rows } };
    http::recordAudit(control.database(), platform::actor(), QStringLiteral("local"), event);
    return 0;
}

int purge(db::ControlDatabase &control, int days)
{
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-days);
    db::AuditRepository audit(control.database());
    ProgressLines progress(stdout);
    progress.print(QStringLiteral("purging audit entries written before %1").arg(cutoff.toString(Qt::ISODate)), true);
    const db::AuditPurgeResult result = audit.purgeOlderThan(cutoff, [&progress](qint64 removed, qint64 through) {
        progress.print(QStringLiteral("removed %1 entries (through id %2)").arg(removed).arg(through));
    });
    if (result.removed == 0) {
        std::printf("nothing to purge: no audit entry is older than %d days (or only the newest one is)\n", days);
        return 0;
    }
    std::printf("removed %lld audit entries older than %d days; entries up to id %lld are purged, the chain stays "
                "verifiable from the next one\n",
                static_cast<long long>(result.removed), days, static_cast<long long>(result.purgedThrough));
    http::AuditEvent event;
    event.eventType = QStringLiteral("audit.purged");
    event.severity = QStringLiteral("warning");
    event.resourceType = QStringLiteral("audit_trail");
    event.description = QStringLiteral("Audit retention: %1 entries older than %2 days removed").arg(result.removed).arg(days);
    event.after = result.toJson();
    http::recordAudit(control.database(), platform::actor(), QStringLiteral("local"), event);
    return 0;
}

} // namespace

int runAuditCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral("Verify, export and purge the audit trail."));
    commandLine.addPositional(QStringLiteral("audit"), QStringLiteral("The command group."), QStringLiteral("audit"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("verify | export | purge"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("verify: print the result as JSON."), QStringLiteral("audit/json"), QStringLiteral("true"));
    commandLine.addValueOption(QStringLiteral("from"), QStringLiteral("TIME"), QStringLiteral("export: entries at or after this date or time (UTC)."), QStringLiteral("audit/from"));
    commandLine.addValueOption(QStringLiteral("to"), QStringLiteral("TIME"), QStringLiteral("export: entries before this date or time (UTC)."), QStringLiteral("audit/to"));
    commandLine.addValueOption(QStringLiteral("event-type"), QStringLiteral("TYPE"), QStringLiteral("export: only this event type."), QStringLiteral("audit/event_type"));
    commandLine.addValueOption(QStringLiteral("severity"), QStringLiteral("SEVERITY"), QStringLiteral("export: only info, warning, error or critical."), QStringLiteral("audit/severity"));
    commandLine.addValueOption(QStringLiteral("user"), QStringLiteral("USER"), QStringLiteral("export: only this user's entries."), QStringLiteral("audit/user"));
    commandLine.addValueOption(QStringLiteral("output"), QStringLiteral("FILE"), QStringLiteral("export: write the CSV here (default: standard output)."), QStringLiteral("audit/output"));
    commandLine.addValueOption(QStringLiteral("older-than"), QStringLiteral("DAYS"), QStringLiteral("purge: remove entries older than DAYS days."), QStringLiteral("audit/older_than"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    static const QStringList commands { QStringLiteral("verify"), QStringLiteral("export"), QStringLiteral("purge") };
    if (!commands.contains(command))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("use verify, export or purge"));
    if (positional.size() > 2)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("unexpected argument '%1'").arg(positional.at(2)));

    db::AuditFilter filter;
    filter.from = timeOption(commandLine, QStringLiteral("from"));
    filter.to = timeOption(commandLine, QStringLiteral("to"));
    if (filter.from.isValid() && filter.to.isValid() && filter.from >= filter.to)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("--from must be earlier than --to"));
    filter.eventType = commandLine.value(QStringLiteral("event-type"));
    filter.severity = commandLine.value(QStringLiteral("severity"));
    static const QStringList severities { QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error"), QStringLiteral("critical") };
    if (!filter.severity.isEmpty() && !severities.contains(filter.severity))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("--severity must be info, warning, error or critical"));
    filter.username = commandLine.value(QStringLiteral("user"));
    int days = 0;
    if (command == QLatin1String("purge")) {
        bool ok = false;
        days = commandLine.value(QStringLiteral("older-than")).toInt(&ok);
        if (!commandLine.isSet(QStringLiteral("older-than")))
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("purge needs --older-than DAYS"));
        if (!ok || days < 1 || days > 36500)
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("--older-than must be a number of days from 1 to 36500"));
    }

    try {
        auto context = ToolContext::open(commandLine);
        if (command == QLatin1String("verify"))
            return verify(context->database(), commandLine.isSet(QStringLiteral("json")));
        if (command == QLatin1String("export"))
            return exportCsv(context->database(), filter, commandLine.value(QStringLiteral("output")));
        return purge(context->database(), days);
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
