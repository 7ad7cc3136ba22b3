#include "pairbulkactions.h"

#include "client/gatewayclient.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>

namespace tf::console {

PairBulkActions::PairBulkActions(GatewayClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

void PairBulkActions::bulk(const QString &verb, const Pairs &pairs, const std::function<void(qint64, Done)> &call)
{
    struct Progress
    {
        int left = 0;
        QStringList failures;
    };
    auto progress = std::make_shared<Progress>();
    progress->left = int(pairs.size());
    emit started(tr("%1: %n pair(s)…", nullptr, int(pairs.size())).arg(verb));
    for (const auto &[id, name] : pairs) {
        call(id, [this, progress, verb, name = name, count = int(pairs.size())](const QString &failure) {
            if (!failure.isEmpty())
                progress->failures << tr("%1: %2").arg(name, failure);
            if (--progress->left > 0)
                return;
            const int done = count - int(progress->failures.size());
            emit finished(tr("%1: %2 of %n pair(s) done.", nullptr, count).arg(verb).arg(done),
                          progress->failures.join(QLatin1Char('\n')));
        });
    }
}

void PairBulkActions::setEnabledOf(const Pairs &pairs, bool enable)
{
    const QString tail = enable ? QStringLiteral("/enable") : QStringLiteral("/disable");
    bulk(enable ? tr("Enable") : tr("Disable"), pairs, [this, tail](qint64 id, Done done) {
        m_client->post(QStringLiteral("/api/sync-pairs/%1").arg(id) + tail, {}, this, [this, id, done](const ApiResult &result) {
            if (!result.ok()) {
                done(result.error.message());
                return;
            }
            const QJsonObject pair = result.object();
            if (pair.value(QLatin1String("id")).toInteger() == id)
                emit pairChanged(pair);
            done(QString());
        });
    });
}

void PairBulkActions::run(const Pairs &pairs, bool dryRun)
{
    bulk(dryRun ? tr("Dry run") : tr("Run"), pairs, [this, dryRun](qint64 id, Done done) {
        QJsonObject body { { QStringLiteral("pair_id"), id } };
        if (dryRun)
            body.insert(QStringLiteral("dry_run"), true);
        m_client->post(QStringLiteral("/api/sync-operations"), body, this, [this, id, done](const ApiResult &result) {
            if (!result.ok()) {
                done(result.error.message());
                return;
            }
            emit runQueued(id);
            done(QString());
        });
    });
}

} // namespace tf::console
