#pragma once

#include <QList>
#include <QObject>
#include <QPair>
#include <functional>

class QJsonObject;

namespace tf::console {

class GatewayClient;

// Enable, Disable, Run, Dry run and the schema-change decisions on several sync pairs at once: one request per pair, all
// under way together, and one summary when the last has answered, naming each pair that failed.
class PairBulkActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairBulkActions)

public:
    // Each pair's id and name (the name is for the failures).
    using Pairs = QList<QPair<qint64, QString>>;

    PairBulkActions(GatewayClient *client, QObject *parent = nullptr);

    void setEnabledOf(const Pairs &pairs, bool enable);
    void run(const Pairs &pairs, bool dryRun);
    // The pending schema changes of each (cdc) pair approved (streaming continues with the
    // pair's current mapping) or rejected (the pair is disabled until re-snapshotted).
    void decideSchemaChanges(const Pairs &pairs, bool approve);

signals:
    void started(const QString &text);
    // POST /enable or /disable answered with the pair.
    void pairChanged(const QJsonObject &pair);
    // A sync operation of the pair was queued.
    void runQueued(qint64 id);
    // What was done, and the failures ("" when none).
    void finished(const QString &summary, const QString &failures);

private:
    using Done = std::function<void(const QString &failure)>;
    void bulk(const QString &verb, const Pairs &pairs, const std::function<void(qint64, Done)> &call);

    GatewayClient *m_client;
};

} // namespace tf::console
