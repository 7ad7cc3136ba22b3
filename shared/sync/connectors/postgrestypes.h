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
// Exactness: dates are read as days since 1970-01-01, timestamps as microseconds since
// 2000-01-01 (or "infinity"), floats as their IEEE bits, numeric as its digits, JSON as its stored text, so
// every value arrives exactly as PostgreSQL holds it and is written back the same.

// A column as the catalog describes it.
struct PgColumn
{
    QString name;
    ValueType type = ValueType::Text;
    QString sqlType; // format_type() without modifiers, safe to paste into a CAST
    QString baseName; // pg_type.typname of the (domain's base) type: int4, numeric, json...
    bool nullable = true;
    int typmod = -1; // the type modifier: numeric(p,s), varchar(n), timestamp(p); -1 for none
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

// The TimeValue kind of a Date, Timestamp or TimestampTz column (TimestampTz for others).
TimeValue::Kind timeKind(ValueType type);

// A text-typed SQL expression for column `qualified` that valueFromText() parses back.
QString textExpression(const QString &qualified, const PgColumn &column);

// The text textExpression() yields for a row-model value (a null QByteArray for NULL): the
// inverse of valueFromText().
QByteArray hashText(const QVariant &value, ValueType type);

// md5 (hex) of the record of textExpression()s, exactly as PgReader::readKeyHashes computes it
// in SQL on servers before PostgreSQL 14 (sourceHashExpression; from 14 the server's typed hash,
// which reads carry with the rows).
QByteArray recordHash(const Row &row, const Schema &schema);

// Parses what textExpression() produced (callers handle NULL). Throws tf::Error(Validation) naming
// the column when the text is not what textExpression() writes.
QVariant valueFromText(const QString &text, ValueType type, const QString &columnName);

// PostgreSQL's text input form of a row-model value (no COPY escaping); a null QByteArray
// for NULL. Values of another representation are coerced first; throws tf::Error(Validation)
// naming the column when that fails.
QByteArray inputText(const QVariant &value, ValueType type, const QString &columnName);

// Appends one COPY text-format field: \N for NULL, backslash escapes otherwise.
void appendCopyField(QByteArray &out, const QVariant &value, ValueType type,
                     const QString &columnName);
void appendCopyText(QByteArray &out, const QByteArray &text);
// appendCopyText(out, text.toUtf8()) without the UTF-8 copy when the text is ASCII (escaped
// straight from the QString); a null QString appends nothing, as an empty one.
void appendCopyString(QByteArray &out, const QString &text);

// Why `value` cannot be stored exactly in `column` ("date 5874898-01-01 is outside PostgreSQL's
// range"), or empty. Checks what the server would refuse or round: dates and timestamps
// outside its range or finer than timestamp(p), integers too wide for int2/int4, doubles a
// float4 cannot hold, decimals numeric(p,s) would round or refuse, text longer than
// varchar(n)/char(n).
QString cannotHold(const QVariant &value, const PgColumn &column);

} // namespace tf::sync::pg
