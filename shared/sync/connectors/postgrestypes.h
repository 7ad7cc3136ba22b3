#pragma once

#include "sync/row.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace tf::sync::pg {

// How values cross between PostgreSQL and the row model.
//
// Reads select every column as text in a form that does not depend on session settings
// (DateStyle, TimeZone, bytea_output) and parse it here, so each ValueType gets exactly the
// row model's representation. Writes send PostgreSQL's text input form (COPY, parameters).
//
// Precision: QDateTime holds milliseconds, PostgreSQL microseconds. Timestamps are truncated
// to the millisecond when read (never rounded, so a cursor never moves past a row it has not
// read; at worst the rows of the last millisecond are read again). Millisecond values
// round-trip exactly. JSON is carried as PostgreSQL's text with the insignificant whitespace
// removed, not re-serialised, so numbers keep every digit and keys keep their order.

// A column as the catalog describes it.
struct PgColumn
{
    QString name;
    ValueType type = ValueType::Text;
    QString sqlType; // format_type() without modifiers, safe to paste into a CAST
    QString baseName; // pg_type.typname of the (domain's base) type: int4, numeric, json...
    bool nullable = true;
};

struct PgTable
{
    QString schema;
    QString name;
    QList<PgColumn> columns;
    QStringList primaryKey;

    int indexOf(const QString &column) const;
    // The named column; throws tf::Error(Validation) naming the table when absent.
    const PgColumn &column(const QString &name) const;
    QString qualifiedName() const; // "schema"."name", quoted
};

// "name" with embedded quotes doubled.
QString quoteIdentifier(const QString &name);

// The row-model type of a pg_type name (int4 -> Integer, ...); unknown types are Text.
ValueType valueTypeForPgType(const QString &typeName);

// A text-typed SQL expression for column `qualified` that valueFromText() parses back.
QString textExpression(const QString &qualified, const PgColumn &column);

// Parses what textExpression() produced (callers handle NULL). Throws tf::Error(Validation) naming
// the column when the value has no row-model representation (infinity, BC dates, NaN decimals).
QVariant valueFromText(const QString &text, ValueType type, const QString &columnName);

// PostgreSQL's text input form of a row-model value (no COPY escaping); a null QByteArray
// for NULL. Values of another representation are coerced first; throws tf::Error(Validation)
// naming the column when that fails.
QByteArray inputText(const QVariant &value, ValueType type, const QString &columnName);

// Appends one COPY text-format field: \N for NULL, backslash escapes otherwise.
void appendCopyField(QByteArray &out, const QVariant &value, ValueType type,
                     const QString &columnName);
void appendCopyText(QByteArray &out, const QByteArray &text);

// JSON text with whitespace outside strings removed.
QString compactJson(const QString &text);

} // namespace tf::sync::pg
