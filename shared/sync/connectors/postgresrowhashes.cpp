#include "postgresrowhashes.h"

#include "postgresquery.h"
#include "postgresranges.h"
#include "postgrestypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tf::sync::pg {

QList<QByteArray> serverRowHashes(const db::Database &database, PgCatalog &catalog, const ReadRequest &request,
                                  const QList<Row> &rows)
{
    QList<QByteArray> hashes;
    const Selection selection = selectionFor(catalog, request);
    // Every value travels as its input text, declared text in the record and cast by the typed
    // expression as a column would be: the same bytes as at the source.
    QStringList declared;
    for (const PgColumn &column : selection.columns)
        declared << QStringLiteral("%1 text").arg(quoteIdentifier(column.name));
    QJsonArray records;
    for (const Row &row : rows) {
        QJsonObject record;
        for (int i = 0; i < selection.columns.size(); ++i) {
            const PgColumn &column = selection.columns.at(i);
            const QByteArray text = inputText(row.value(i), column.type, column.name);
            record.insert(column.name, text.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(text)));
        }
        records.append(record);
    }
    const QString sql = QStringLiteral("SELECT %1 FROM ROWS FROM (jsonb_to_recordset(CAST(? AS jsonb)) AS (%2))"
                                       " WITH ORDINALITY AS t(%3, tf_ordinal) ORDER BY tf_ordinal")
                            .arg(sourceHashExpression(selection.columns, true), declared.join(QLatin1String(", ")),
                                 refList(selection.columns, QString()));
    stream(database, sql, { QString::fromUtf8(QJsonDocument(records).toJson(QJsonDocument::Compact)) },
           QStringLiteral("hashing rows of %1").arg(selection.table.qualifiedName()), [&](const QSqlQuery &row) {
               hashes << row.value(0).toString().toLatin1();
               return true;
           });
    if (hashes.size() != rows.size())
        hashes.clear();
    return hashes;
}

} // namespace tf::sync::pg
