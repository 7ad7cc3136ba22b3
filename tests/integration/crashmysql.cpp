#include "crashmysql.h"

#include "core/errors.h"
#include "sync/connectors/mysqlconnector.h"

namespace tf::test::crash {

QJsonObject mysqlSystem(const QString &name, quint16 port, const QString &database)
{
    return { { QStringLiteral("name"), name }, { QStringLiteral("kind"), QStringLiteral("mysql") },
             { QStringLiteral("settings"), QJsonObject { { QStringLiteral("host"), QStringLiteral("127.0.0.1") },
                                                         { QStringLiteral("port"), int(port) },
                                                         { QStringLiteral("database"), database } } },
             { QStringLiteral("credentials"), QJsonObject { { QStringLiteral("user"), QStringLiteral("root") } } } };
}

TableSnapshot mysqlSnapshot(quint16 port, const QString &database, const QString &table, const QString &keyColumn)
{
    TableSnapshot result;
    try {
        sync::MysqlConnector connector(sync::SystemSettings { QStringLiteral("mysql"),
                                                              mysqlSystem(QString(), port, database).value(QStringLiteral("settings")).toObject(),
                                                              { { QStringLiteral("user"), QStringLiteral("root") } } });
        const sync::EntityDescription description = connector.describe(table);
        result.columns = description.schema.names();
        result.keyIndex = int(result.columns.indexOf(keyColumn));
        sync::ReadRequest request;
        request.entity = table;
        request.keyColumns = { keyColumn };
        connector.readAll(request, [&](const sync::RowBatch &batch) {
            for (const sync::Row &row : batch.rows) {
                QStringList texts;
                for (int i = 0; i < row.size(); ++i)
                    texts << (row.at(i).isNull() ? QStringLiteral("<NULL>")
                                                 : QString::fromUtf8(sync::canonicalValue(row.at(i), batch.schema->at(i).type)));
                result.rows << texts;
            }
            return true;
        });
    } catch (const Error &error) {
        result.error = error.message();
    }
    return result;
}

} // namespace tf::test::crash
