#include "demoinstallsteps.h"

#include "common/auditlog.h"
#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "db/sqlscript.h"
#include "sync/definition/pairrecord.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <cstdio>

namespace tf::tfctl::demo {

QByteArray resource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Internal,
                    QStringLiteral("demo resource %1 is missing from this build").arg(path));
    return file.readAll();
}

qint64 systemNamed(db::Database &control, const QString &name)
{
    db::SystemRepository systems(control);
    for (const auto &system : systems.list()) {
        if (system.name == name)
            return system.id;
    }
    return 0;
}

void applySchema(const QString &url, const QString &resourcePath)
{
    db::Database target(db::DatabaseUrl::parse(url));
    const QStringList statements
        = db::splitSqlStatements(QString::fromUtf8(resource(resourcePath)));
    db::Transaction transaction(target);
    for (const QString &statement : statements)
        target.execDirect(statement, "creating the CAMA demo schema");
    transaction.commit();
    target.closeThreadConnection();
}

qint64 addPair(ToolContext &context, QJsonObject json, qint64 sourceId, qint64 targetId)
{
    json.insert(QStringLiteral("source_system"), sourceId);
    json.insert(QStringLiteral("target_system"), targetId);
    db::SyncPairRepository pairs(context.database().database());
    const sync::SyncPairDefinition definition = sync::SyncPairDefinition::parse(json);
    const db::SyncPairRecord record = sync::pairRecordFrom(definition);
    const qint64 id = pairs.insert(record);
    platform::audit(
        context.database(),
        { QStringLiteral("sync_pair.created"),
          QStringLiteral("info"),
          QStringLiteral("sync_pair"),
          QString::number(id),
          0,
          QStringLiteral("sync pair %1 '%2' created by the demo install").arg(id).arg(record.name),
          {},
          pairs.get(id).toJson() });
    return id;
}

void step(const QElapsedTimer &clock, const QString &text)
{
    std::printf("[%6.1fs] %s\n", double(clock.elapsed()) / 1000.0, qPrintable(text));
    std::fflush(stdout);
}

} // namespace tf::tfctl::demo
