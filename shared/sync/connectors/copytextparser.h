#pragma once

#include "sync/row.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QVariant>
#include <vector>

namespace tf::sync::pg {

// Splits one line of COPY ... TO STDOUT text format into its fields: tab-separated, \N alone
// for NULL, backslash escapes (\b \f \n \r \t \v \\, octal \ooo, \xhh, \c for any other c)
// decoded. Fields without a backslash point into the line; the others into a buffer this
// parser reuses, so a row costs no allocation once the buffer has grown.
class CopyTextParser final
{
public:
    // Throws tf::Error(Internal) naming `what` when the line has not `columns` fields.
    void parse(QByteArrayView line, int columns, const QString &what);

    bool isNull(int index) const { return m_fields[size_t(index)].null; }
    QByteArrayView field(int index) const { return m_fields[size_t(index)].text; }

private:
    struct Field
    {
        QByteArrayView text;
        bool null = false;
    };
    std::vector<Field> m_fields;
    QByteArray m_decoded;
};

// The row-model value of one non-NULL field holding textExpression()'s text: exactly what
// valueFromText(QString::fromUtf8(text), ...) returns (the same value, the same error), with
// the common forms parsed from the bytes without a QString in between.
QVariant valueFromCopyText(QByteArrayView text, ValueType type, const QString &columnName);

} // namespace tf::sync::pg
