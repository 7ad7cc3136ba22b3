#include "pgcopyread.h"

#include "copytextparser.h"
#include "pgcopyout.h"
#include "postgressession.h"

namespace tf::sync::pg {

void copyRows(const db::Database &database, const Selection &selection,
              const QList<QByteArray> &params, const SelectBuilder &buildSelect,
              const QString &label, const RowSink &onRow, bool withHash)
{
    PgSession session(database);
    const QStringList reads = bindAsSettings(session, params, label);
    const QByteArray sql
        = QStringLiteral("COPY (%1) TO STDOUT").arg(buildSelect(reads)).toUtf8();
    PgCopyOut copy(session, sql, label);
    CopyTextParser parser;
    const int columns = int(selection.columns.size());
    QByteArrayView line;
    while (copy.next(&line)) {
        parser.parse(line, withHash ? columns + 1 : columns, label);
        Row row;
        row.reserve(columns);
        for (int i = 0; i < columns; ++i) {
            if (parser.isNull(i)) {
                row.append(QVariant());
                continue;
            }
            const PgColumn &column = selection.columns.at(i);
            row.append(valueFromCopyText(parser.field(i), column.type, column.name));
        }
        QByteArray hash;
        if (withHash) // a decimal int8 or an md5 hex text: never escaped, never NULL
            hash = parser.field(columns).toByteArray();
        if (!onRow(std::move(row), std::move(hash)))
            return; // the COPY's destructor cancels what the server still sends
    }
}

} // namespace tf::sync::pg
