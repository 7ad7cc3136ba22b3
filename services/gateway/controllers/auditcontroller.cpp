#include "auditcontroller.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "common/errorresponse.h"
#include "core/errors.h"
#include "db/repositories/auditcsv.h"
#include "db/repositories/auditrepository.h"
#include "common/listquery.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMetaObject>

Q_LOGGING_CATEGORY(lcGatewayAudit, "gateway.audit")

namespace tf::gateway {

namespace {

constexpr int kExportBatch = 500;
const QStringList kSeverities { QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error"),
                                QStringLiteral("critical") };
const QStringList kFilterNames { QStringLiteral("created_after"), QStringLiteral("created_before"),
                                 QStringLiteral("event_type"), QStringLiteral("severity"), QStringLiteral("resource_type"),
                                 QStringLiteral("resource_id"), QStringLiteral("username"), QStringLiteral("text") };

db::AuditFilter filterOf(const http::QueryParams &params)
{
    db::AuditFilter filter;
    filter.from = params.time(QStringLiteral("created_after"));
    filter.to = params.time(QStringLiteral("created_before"));
    if (filter.from.isValid() && filter.to.isValid() && filter.from >= filter.to)
        http::QueryParams::invalid(QStringLiteral("created_after"), QStringLiteral("must be earlier than created_before"));
    filter.eventType = params.text(QStringLiteral("event_type"));
    filter.severity = params.choice(QStringLiteral("severity"), kSeverities);
    filter.resourceType = params.text(QStringLiteral("resource_type"));
    filter.resourceId = params.text(QStringLiteral("resource_id"));
    filter.username = params.text(QStringLiteral("username"));
    filter.text = params.text(QStringLiteral("text"));
    return filter;
}

db::Database &databaseOf(const DatabaseState &state)
{
    return state.database().database(); // Unavailable (503) while the database is down
}

} // namespace

struct AuditController::Verification
{
    QList<http::Router::Reply> replies;
    http::ApiRequest request; // of the first caller, for the audit entry of a broken chain
};

AuditController::AuditController(const DatabaseState &database)
    : m_database(database)
{
    m_pool.setMaxThreadCount(1);
    m_summaries.setMaxThreadCount(1);
}

AuditController::~AuditController()
{
    m_stopping = true; // a running verification stops at its next batch
    m_pool.waitForDone();
    m_summaries.waitForDone();
}

void AuditController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    // Literal paths before <id>: the first matching route wins.
    router.add("GET", QStringLiteral("/api/audit"), Permission::AuditRead, [this](const http::ApiRequest &r) { return list(r); });
    router.addAsync("GET", QStringLiteral("/api/audit/summary"), Permission::AuditRead,
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) { summary(r, reply); });
    router.add("GET", QStringLiteral("/api/audit/export"), Permission::AuditExport,
               [this](const http::ApiRequest &r) { return exportCsv(r); });
    router.addAsync("GET", QStringLiteral("/api/audit/verify"), Permission::AuditRead,
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) { verify(r, reply); });
    router.add("GET", QStringLiteral("/api/audit/<id>"), Permission::AuditRead,
               [this](const http::ApiRequest &r) { return entry(r); });
}

http::ApiResponse AuditController::list(const http::ApiRequest &request) const
{
    // order: which end the keyset starts from; a cursor continues the order it was given for.
    const http::QueryParams params = http::QueryParams::forList(request, kFilterNames + QStringList { QStringLiteral("order") });
    const db::AuditFilter filter = filterOf(params);
    const db::AuditOrder order = params.choice(QStringLiteral("order"), { QStringLiteral("newest"), QStringLiteral("oldest") })
            == QLatin1String("oldest")
        ? db::AuditOrder::OldestFirst
        : db::AuditOrder::NewestFirst;
    const db::AuditPage page = db::AuditRepository(databaseOf(m_database)).list(filter, params.limit(), params.cursorId(), order);
    QJsonArray items;
    for (const db::AuditEntry &entry : page.entries)
        items.append(entry.toJson());
    return http::listResponse(request, params, items, page.nextBeforeId > 0 ? QString::number(page.nextBeforeId) : QString());
}

http::ApiResponse AuditController::entry(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const std::optional<db::AuditEntry> found = db::AuditRepository(databaseOf(m_database)).find(id);
    if (!found)
        throw Error(Error::Kind::NotFound, QStringLiteral("audit entry %1 not found").arg(id));
    return http::ApiResponse::json(found->toJson());
}

void AuditController::summary(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    // Bad parameters (400) and a database that is down (503) answer at once.
    const db::AuditFilter filter = filterOf(http::QueryParams(request, kFilterNames));
    databaseOf(m_database);
    const DatabaseState *source = &m_database;
    QObject *context = &m_context;
    const QString requestId = request.requestId;
    m_summaries.start([source, context, filter, requestId, reply] {
        http::ApiResponse response;
        try {
            response = http::ApiResponse::json(db::AuditRepository(databaseOf(*source)).summary(filter).toJson());
        } catch (const Error &error) {
            response = http::errorResponse(error, requestId);
        }
        try {
            databaseOf(*source).closeThreadConnection(); // no idle connection left on the pool thread
        } catch (const Error &) {
        }
        QMetaObject::invokeMethod(context, [reply, response] { reply(response); }, Qt::QueuedConnection);
    });
}

http::ApiResponse AuditController::exportCsv(const http::ApiRequest &request) const
{
    const db::AuditFilter filter = filterOf(http::QueryParams(request, kFilterNames));
    db::Database &database = databaseOf(m_database);
    // A fixed upper bound: entries written while the export runs (its own included) stay out.
    const qint64 upTo = db::AuditRepository(database).newestId();
    http::AuditEvent event;
    event.eventType = QStringLiteral("audit.exported");
    event.resourceType = QStringLiteral("audit_trail");
    event.description = QStringLiteral("Audit trail exported as CSV (entries up to id %1)").arg(upTo);
    event.after = QJsonObject { { QStringLiteral("filter"), filter.toJson() }, { QStringLiteral("up_to_id"), upTo } };
    if (request.method != "HEAD") // headers only: nothing leaves
        http::recordAudit(database, request, event);

    struct State
    {
        db::AuditFilter filter;
        qint64 afterId = 0;
        qint64 upTo = 0;
        bool headerSent = false;
        bool done = false;
    };
    auto state = std::make_shared<State>();
    state->filter = filter;
    state->upTo = upTo;
    const DatabaseState *source = &m_database;
    auto producer = [state, source]() -> QByteArray {
        QByteArray chunk;
        if (!state->headerSent) {
            state->headerSent = true;
            chunk = db::auditcsv::header();
        }
        if (state->done)
            return chunk;
        const QList<db::AuditEntry> batch
            = db::AuditRepository(databaseOf(*source)).ascending(state->filter, state->afterId, state->upTo, kExportBatch);
        if (batch.size() < kExportBatch)
            state->done = true;
        if (!batch.isEmpty())
            state->afterId = batch.constLast().id;
        return chunk + db::auditcsv::rows(batch);
    };
    const QString name = QStringLiteral("audit-%1.csv").arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    http::ApiResponse response = http::ApiResponse::streamed(producer, QByteArrayLiteral("text/csv; charset=utf-8"));
    response.withHeader("Content-Disposition", "attachment; filename=\"" + name.toLatin1() + '"');
    return response;
}

void AuditController::verify(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    http::QueryParams(request, {});
    databaseOf(m_database); // 503 at once while the database is down
    if (m_running) { // join the verification under way
        m_running->replies.append(reply);
        return;
    }
    auto running = std::make_shared<Verification>();
    running->replies.append(reply);
    running->request = request;
    m_running = running;
    const DatabaseState *source = &m_database;
    std::atomic<bool> *stopping = &m_stopping;
    QObject *context = &m_context;
    m_pool.start([this, source, stopping, context, running] {
        http::ApiResponse response;
        db::AuditVerification result;
        bool verified = false;
        try {
            result = db::AuditRepository(databaseOf(*source)).verify([stopping](qint64, qint64) {
                if (*stopping)
                    throw Error(Error::Kind::Unavailable, QStringLiteral("tf-gateway is stopping"));
            });
            response = http::ApiResponse::json(result.toJson());
            verified = true;
        } catch (const Error &error) {
            response = http::errorResponse(error, running->request.requestId);
        }
        try {
            databaseOf(*source).closeThreadConnection(); // no idle connection left on the pool thread
        } catch (const Error &) {
        }
        QMetaObject::invokeMethod(
            context,
            [this, running, response, result, verified] {
                if (m_running == running)
                    m_running.reset();
                if (verified && !result.intact) {
                    qCCritical(lcGatewayAudit).noquote()
                        << "audit trail verification failed at entry" << result.brokenAt << ":" << result.problem;
                    http::AuditEvent event;
                    event.eventType = QStringLiteral("audit.verify_failed");
                    event.severity = QStringLiteral("critical");
                    event.resourceType = QStringLiteral("audit_entry");
                    event.resourceId = QString::number(result.brokenAt);
                    event.description = QStringLiteral("Audit chain broken at entry %1: %2").arg(result.brokenAt).arg(result.problem);
                    try {
                        http::recordAudit(databaseOf(m_database), running->request, event);
                    } catch (const Error &) {
                        // the database went away; the log line above stays
                    }
                }
                for (const auto &waiting : std::as_const(running->replies))
                    waiting(response);
            },
            Qt::QueuedConnection);
    });
}

} // namespace tf::gateway
