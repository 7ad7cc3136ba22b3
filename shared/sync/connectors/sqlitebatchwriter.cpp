#include "sqlitebatchwriter.h"

#include "core/errors.h"
#include "db/connection.h"

#include <QSqlError>
#include <QSqlQuery>

namespace tf::sync::sqlite {

namespace {

QString quote(const db::Database &database, const QString &name)
{
    return database.dialect().quoteIdentifier(name);
}

QString quotedList(const db::Database &database, const QStringList &names, const QString &prefix = {})
{
    QStringList quoted;
    for (const QString &name : names)
        quoted << prefix + quote(database, name);
    return quoted.join(QStringLiteral(", "));
}

Error invalid(const Table &table, const QString &message)
{
    return Error(Error::Kind::Validation, message,
                 QJsonObject { { QStringLiteral("entity"), table.description.name } });
}

void checkBatch(const Table &table, const ChangeBatch &batch)
{
    const Schema &columns = table.description.schema;
    const QString &name = table.description.name;
    if (batch.keyColumns.isEmpty())
        throw invalid(table, QStringLiteral("writing to '%1' needs key columns").arg(name));
    if (!table.hasUniqueKey(batch.keyColumns)) {
        throw invalid(table, QStringLiteral("table '%1' has no PRIMARY KEY or UNIQUE constraint on (%2): upserts by key "
                                            "need the target key to be unique")
                                 .arg(name, batch.keyColumns.join(QStringLiteral(", "))));
    }
    for (const QString &key : batch.keyColumns) {
        if (batch.schema && !batch.upserts.isEmpty() && batch.schema->indexOf(key) < 0)
            throw invalid(table, QStringLiteral("the rows written to '%1' lack key column '%2'").arg(name, key));
    }
    if (!batch.schema)
        return;
    for (const Column &column : batch.schema->columns()) {
        const int index = columns.indexOf(column.name);
        if (index < 0)
            throw invalid(table, QStringLiteral("table '%1' has no column named '%2'").arg(name, column.name));
    }
}

// SQLite's NUMERIC/INTEGER/REAL affinity would turn long decimals into rounded REALs.
void checkDecimal(const Table &table, const Column &column, const QVariant &value)
{
    if (column.type != ValueType::Decimal || value.isNull() || !value.isValid())
        return;
    const int index = table.description.schema.indexOf(column.name);
    const QString text = value.toString();
    if (decimalSurvives(text, table.affinities.at(index)))
        return;
    throw invalid(table, QStringLiteral("column '%1' of '%2' (declared '%3') would round %4: SQLite keeps 15 digits in "
                                        "a numeric column; declare it with TEXT affinity, e.g. 'DECIMAL TEXT'")
                             .arg(column.name, table.description.name, table.declaredTypes.at(index), text));
}

[[noreturn]] void fail(const db::Database &database, const Table &table, const QSqlQuery &query, const KeyValues &key,
                       const QList<ValueType> &keyTypes, const char *what)
{
    const QString text = db::sqlError(query);
    const qsizetype at = text.indexOf(QLatin1String("constraint failed"));
    if (at < 0)
        database.raise(query, what);
    const QString keyShown = keyText(key, keyTypes);
    throw Error(Error::Kind::Validation,
                QStringLiteral("writing key %1 to '%2' failed: %3").arg(keyShown, table.description.name, text),
                QJsonObject { { QStringLiteral("entity"), table.description.name },
                              { QStringLiteral("key"), keyShown },
                              { QStringLiteral("constraint"), text.mid(text.lastIndexOf(QLatin1String("constraint failed"))).trimmed() } });
}

void writeUpserts(const db::Database &database, const Table &table, const ChangeBatch &batch)
{
    const Schema &schema = *batch.schema;
    const QStringList names = schema.names();
    QStringList others;
    for (const QString &name : names) {
        if (!batch.keyColumns.contains(name))
            others << name;
    }
    const QString target = quote(database, table.description.name);
    QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) ")
                      .arg(target, quotedList(database, names), QStringLiteral("?, ").repeated(names.size()).chopped(2),
                           quotedList(database, batch.keyColumns));
    if (others.isEmpty()) {
        sql += QStringLiteral("DO NOTHING");
    } else {
        QStringList assignments;
        for (const QString &name : others)
            assignments << QStringLiteral("%1 = excluded.%1").arg(quote(database, name));
        sql += QStringLiteral("DO UPDATE SET %1 WHERE (%2) IS NOT (%3)")
                   .arg(assignments.join(QStringLiteral(", ")), quotedList(database, others, target + QLatin1Char('.')),
                        quotedList(database, others, QStringLiteral("excluded.")));
    }
    QSqlQuery query = database.prepare(sql);
    const QList<int> keyIndexes = schema.indexesOf(batch.keyColumns);
    QList<ValueType> keyTypes;
    for (int index : keyIndexes)
        keyTypes << schema.at(index).type;
    for (const Row &row : batch.upserts) {
        if (row.size() != schema.size()) {
            throw invalid(table, QStringLiteral("a row written to '%1' has %2 values for %3 columns")
                                     .arg(table.description.name).arg(row.size()).arg(schema.size()));
        }
        for (int i = 0; i < schema.size(); ++i) {
            checkDecimal(table, schema.at(i), row.at(i));
            query.bindValue(i, toStored(row.at(i), schema.at(i).type));
        }
        if (!query.exec()) {
            KeyValues key;
            for (int index : keyIndexes)
                key << row.at(index);
            fail(database, table, query, key, keyTypes, "upserting a row");
        }
    }
}

qint64 writeDeletes(const db::Database &database, const Table &table, const ChangeBatch &batch)
{
    QStringList conditions;
    QList<ValueType> keyTypes;
    for (const QString &name : batch.keyColumns) {
        conditions << quote(database, name) + QStringLiteral(" = ?");
        const int index = batch.schema ? batch.schema->indexOf(name) : -1;
        keyTypes << (index >= 0 ? batch.schema->at(index).type
                                : table.description.schema.at(table.description.schema.indexOf(name)).type);
    }
    QSqlQuery query = database.prepare(QStringLiteral("DELETE FROM %1 WHERE %2")
                                           .arg(quote(database, table.description.name),
                                                conditions.join(QStringLiteral(" AND "))));
    qint64 deleted = 0;
    for (const KeyValues &key : batch.deletes) {
        if (key.size() != keyTypes.size()) {
            throw invalid(table, QStringLiteral("a key deleted from '%1' has %2 values for %3 key columns")
                                     .arg(table.description.name).arg(key.size()).arg(keyTypes.size()));
        }
        for (int i = 0; i < key.size(); ++i)
            query.bindValue(i, toStored(key.at(i), keyTypes.at(i)));
        if (!query.exec())
            fail(database, table, query, key, keyTypes, "deleting a row");
        deleted += query.numRowsAffected();
    }
    return deleted;
}

} // namespace

QVariant boundValue(const Table &table, const Column &column, const QVariant &value)
{
    checkDecimal(table, column, value);
    return toStored(value, column.type);
}

qint64 writeBatch(const db::Database &database, const Table &table, const ChangeBatch &batch)
{
    if (batch.upserts.isEmpty() && batch.deletes.isEmpty())
        return 0;
    checkBatch(table, batch);
    if (!batch.upserts.isEmpty()) {
        if (!batch.schema)
            throw invalid(table, QStringLiteral("rows written to '%1' come without a schema").arg(table.description.name));
        writeUpserts(database, table, batch);
    }
    return batch.deletes.isEmpty() ? 0 : writeDeletes(database, table, batch);
}

} // namespace tf::sync::sqlite
