#pragma once

// What the cdc executor tests share: a parcel table with a composite key in a source schema,
// its copy in a target schema (of the same logical cluster), an AFTER trigger on the target
// that logs every (key, version) written, so a change applied twice shows as a duplicate, and
// the pair spec that maps one onto the other.

#include "cdccluster.h"
#include "pgsyncworld.h"
#include "sync/engine/pairspec.h"
#include "tst_typefidelity.h"

#include <QJsonArray>
#include <QJsonObject>

namespace tf::test::cdcpair {

inline const QString kSrc = QStringLiteral("cdc_src");
inline const QString kDst = QStringLiteral("cdc_dst");

inline void createTables(db::Database &admin)
{
    const QStringList statements {
        QStringLiteral("CREATE TABLE cdc_src.parcel (id int8, region text, name text, big text, "
                       "version int NOT NULL DEFAULT 1, PRIMARY KEY (id, region))"),
        QStringLiteral("CREATE TABLE cdc_dst.parcel (id int8, region text, name text, big text, "
                       "version int, PRIMARY KEY (id, region))"),
        QStringLiteral("CREATE TABLE cdc_dst.written (id int8, region text, version int)"),
        QStringLiteral("CREATE FUNCTION cdc_dst.log_write() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$BEGIN INSERT INTO cdc_dst.written VALUES (NEW.id, NEW.region, NEW.version); "
                       "RETURN NULL; END$$"),
        QStringLiteral("CREATE TRIGGER log_write AFTER INSERT OR UPDATE ON cdc_dst.parcel "
                       "FOR EACH ROW EXECUTE FUNCTION cdc_dst.log_write()"),
    };
    for (const QString &statement : statements)
        admin.execDirect(statement, "cdc test setup");
}

inline sync::PairSpec pairSpec(const QString &pairId)
{
    sync::EntitySpec entity;
    entity.name = QStringLiteral("parcel");
    entity.sourceEntity = QStringLiteral("parcel");
    entity.sourceKey = { QStringLiteral("id"), QStringLiteral("region") };
    entity.targetEntity = QStringLiteral("parcel");
    entity.targetKey = { QStringLiteral("id"), QStringLiteral("region") };
    QJsonArray fields;
    for (const char *column : { "id", "region", "name", "big", "version" })
        fields.append(QJsonObject { { QStringLiteral("target"), QLatin1String(column) },
                                    { QStringLiteral("source"), QLatin1String(column) } });
    entity.mapping = QJsonObject { { QStringLiteral("fields"), fields } };
    entity.mode = sync::ChangeMode::Full;
    sync::PairSpec spec;
    spec.pairId = pairId;
    spec.cdc = true;
    spec.sourceSystem = pairId + QStringLiteral("-source");
    spec.targetSystem = pairId + QStringLiteral("-target");
    spec.batchSize = 500;
    spec.entities = { entity };
    return spec;
}

// The type-fidelity matrix (tst_typefidelity.h) from cdc_src.fidelity to `target`, every
// column mapped to its namesake.
inline sync::PairSpec fidelitySpec(const QString &pairId, const QString &target = QStringLiteral("fidelity"))
{
    sync::PairSpec spec = pairSpec(pairId);
    sync::EntitySpec &entity = spec.entities.first();
    entity.name = entity.sourceEntity = QStringLiteral("fidelity");
    entity.targetEntity = target;
    entity.sourceKey = entity.targetKey = fidelity::kKey;
    QJsonArray fields;
    for (const QString &column : fidelity::kColumnNames)
        fields.append(QJsonObject { { QStringLiteral("target"), column }, { QStringLiteral("source"), column } });
    entity.mapping = QJsonObject { { QStringLiteral("fields"), fields } };
    return spec;
}

// Rows in one table and not in the other (both ways).
inline qint64 differences(const db::Database &admin)
{
    const QString columns = QStringLiteral("id, region, name, big, version");
    return scalar(admin,
                  QStringLiteral("SELECT (SELECT count(*) FROM (SELECT %1 FROM cdc_src.parcel EXCEPT "
                                 "SELECT %1 FROM cdc_dst.parcel) a) + (SELECT count(*) FROM (SELECT %1 "
                                 "FROM cdc_dst.parcel EXCEPT SELECT %1 FROM cdc_src.parcel) b)")
                      .arg(columns))
        .toLongLong();
}

// (key, version) pairs the target wrote more than once: a change applied twice.
inline qint64 duplicates(const db::Database &admin)
{
    return scalar(admin, QStringLiteral("SELECT count(*) FROM (SELECT id, region, version FROM "
                                        "cdc_dst.written GROUP BY 1, 2, 3 HAVING count(*) > 1) d"))
        .toLongLong();
}

} // namespace tf::test::cdcpair
