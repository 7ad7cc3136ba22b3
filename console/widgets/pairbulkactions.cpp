#include "pairbulkactions.h"

#include "client/gatewayclient.h"

#include <QJsonArray>
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

void PairBulkActions::decideSchemaChanges(const Pairs &pairs, bool approve)
{
    const QString verb = approve ? tr("Approve schema change") : tr("Reject schema change");
    bulk(verb, pairs, [this, approve](qint64 id, Done done) {
        const QString base = QStringLiteral("/api/sync-pairs/%1/schema-changes").arg(id);
        m_client->get(base, this, [this, base, approve, done](const ApiResult &listed) {
            if (!listed.ok()) {
                done(listed.error.message());
                return;
            }
            const QJsonArray pending = listed.object().value(QLatin1String("items")).toArray();
            if (pending.isEmpty()) {
                done(tr("no schema change is held"));
                return;
            }
            // One decision per pending change; the first failure is the pair's.
            auto left = std::make_shared<int>(int(pending.size()));
            auto failure = std::make_shared<QString>();
            for (const QJsonValue &change : pending) {
                const qint64 cid = change.toObject().value(QLatin1String("id")).toInteger();
                const QString path = base + QStringLiteral("/%1/%2").arg(cid).arg(
                                                approve ? QStringLiteral("approve") : QStringLiteral("reject"));
                m_client->post(path, {}, this, [left, failure, done](const ApiResult &result) {
                    if (!result.ok() && failure->isEmpty())
                        *failure = result.error.message();
                    if (--*left == 0)
                        done(*failure);
                });
            }
        });
    });
}

} // namespace tf::console
