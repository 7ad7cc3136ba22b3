#pragma once

// What the MariaDB -> PostgreSQL hash-mode tests share (tst_mysqlblockhash,
// tst_mysqltablechecksum): the two connectors over a test MariaDB database and a schema of the
// test PostgreSQL, and a hash-mode pair of one table, every column mapped to itself.
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/pairspec.h"

#include <QJsonArray>
#include <QJsonObject>

#include <memory>

namespace tf::test {

inline std::unique_ptr<tf::sync::MysqlConnector> mysqlSource(quint16 port, const QString &database)
{
    using namespace Qt::StringLiterals;
    return std::make_unique<tf::sync::MysqlConnector>(tf::sync::SystemSettings {
        u"mysql"_s,
        { { u"host"_s, u"127.0.0.1"_s }, { u"port"_s, int(port) }, { u"database"_s, database } },
        { { u"user"_s, u"root"_s } } });
}

inline std::unique_ptr<tf::sync::PostgresConnector> postgresTarget(const QString &url, const QString &schema)
{
    using namespace Qt::StringLiterals;
    return std::make_unique<tf::sync::PostgresConnector>(
        tf::sync::SystemSettings { u"postgres"_s, { { u"url"_s, url }, { u"schema"_s, schema } }, {} });
}

// Pair `pairId` from table `name` to the table of the same name, in hash mode, batches of 1000.
inline tf::sync::PairSpec hashPair(const QString &pairId, const QString &name, const QStringList &key,
                                   const QStringList &columns)
{
    using namespace Qt::StringLiterals;
    tf::sync::EntitySpec entity;
    entity.name = entity.sourceEntity = entity.targetEntity = name;
    entity.sourceKey = entity.targetKey = key;
    QJsonArray fields;
    for (const QString &column : columns)
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = tf::sync::ChangeMode::Hash;
    tf::sync::PairSpec spec;
    spec.pairId = pairId;
    spec.sourceSystem = u"mysql-source"_s;
    spec.targetSystem = u"postgres-target"_s;
    spec.batchSize = 1000;
    spec.entities = { entity };
    return spec;
}

} // namespace tf::test
