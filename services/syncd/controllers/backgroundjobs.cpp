#include "backgroundjobs.h"

#include "common/errorresponse.h"
#include "core/errors.h"

#include <QLoggingCategory>
#include <QMetaObject>

Q_LOGGING_CATEGORY(lcJobs, "syncd.api.jobs")

namespace tf::syncd {

BackgroundJobs::BackgroundJobs(int maxThreads)
{
    m_pool.setMaxThreadCount(maxThreads);
    m_pool.setObjectName(QStringLiteral("syncd-api-jobs"));
}

BackgroundJobs::~BackgroundJobs()
{
    m_pool.waitForDone();
}

void BackgroundJobs::run(const http::ApiRequest &request, http::Router::Reply reply, Work work)
{
    QObject *context = &m_context;
    const QString requestId = request.requestId;
    const QString route = QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path;
    m_pool.start([context, requestId, route, reply = std::move(reply), work = std::move(work)] {
        http::ApiResponse response;
        try {
            response = work();
        } catch (const Error &error) {
            if (error.kind() == Error::Kind::Internal || error.kind() == Error::Kind::Unavailable
            || error.kind() == Error::Kind::InsufficientStorage)
                qCWarning(lcJobs).noquote() << route << "failed:" << error.message();
            response = http::errorResponse(error, requestId);
        } catch (const std::exception &exception) {
            qCCritical(lcJobs).noquote()
                << route << "raised an unexpected exception:" << exception.what();
            response = http::errorResponse(
                Error(Error::Kind::Internal, QStringLiteral("internal error; see the service log")),
                requestId);
        }
        // The pool is drained before m_context is destroyed, so context is alive here.
        QMetaObject::invokeMethod(
            context,
            [reply, response = std::move(response)]() mutable { reply(std::move(response)); },
            Qt::QueuedConnection);
    });
}

} // namespace tf::syncd
