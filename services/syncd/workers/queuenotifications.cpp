#include "queuenotifications.h"

#include "core/errors.h"
#include "db/connection.h"
#include "sync/queue/operationqueue.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QTimer>

Q_LOGGING_CATEGORY(lcQueueNotifications, "syncd.workers.notify")

namespace tf::syncd {

QueueNotifications::QueueNotifications(db::DatabaseUrl url, std::function<void()> wake)
    : m_url(std::move(url))
    , m_wake(std::move(wake))
{
    m_thread.setObjectName(QStringLiteral("tf-queue-listen"));
}

QueueNotifications::~QueueNotifications()
{
    m_thread.quit();
    m_thread.wait();
    m_context.reset(); // its thread has ended: safe from here
}

void QueueNotifications::start()
{
    if (!m_url.isPostgres() || m_context)
        return;
    m_context = std::make_unique<QObject>();
    m_context->moveToThread(&m_thread);
    QObject *context = m_context.get();
    const auto database = std::make_shared<db::Database>(m_url);
    const std::function<void()> wake = m_wake;
    const QString channel = QString::fromLatin1(sync::OperationQueue::kQueuedChannel);

    // Subscribes the connection when it is new (first time, or reopened after a loss).
    const auto listen = [database, context, wake, channel]() {
        try {
            QSqlDriver *driver = database->connection().driver();
            if (driver->subscribedToNotifications().contains(channel))
                return;
            if (!driver->subscribeToNotification(channel)) {
                qCWarning(lcQueueNotifications, "LISTEN %s failed; workers claim at their poll interval",
                          qPrintable(channel));
                return;
            }
            QObject::connect(driver, &QSqlDriver::notification, context,
                             [wake, channel](const QString &name, QSqlDriver::NotificationSource, const QVariant &) {
                                 if (name == channel)
                                     wake();
                             });
            qCInfo(lcQueueNotifications, "listening on %s", qPrintable(channel));
            wake(); // whatever was enqueued while nobody listened
        } catch (const Error &error) {
            qCWarning(lcQueueNotifications, "cannot listen for queued operations: %s",
                      qPrintable(error.message()));
        }
    };
    QObject::connect(&m_thread, &QThread::started, context, [context, database, listen]() {
        auto *check = new QTimer(context);
        check->setInterval(kCheckIntervalMs);
        QObject::connect(check, &QTimer::timeout, context, [database, listen]() {
            try {
                database->execDirect(QStringLiteral("SELECT 1"), "checking the LISTEN connection");
            } catch (const Error &) {
                // Database::raise dropped a lost connection: the next listen() opens another.
            }
            listen();
        });
        check->start();
        listen();
    });
    m_thread.start();
}

} // namespace tf::syncd
