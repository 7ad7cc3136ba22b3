#pragma once

#include "mysqlcatalog.h"
#include "mysqlsession.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>
#include <QVariant>

#include <string>

namespace tf::sync::mysql {

// Every column is read as text built by the server, so what arrives does not depend on the
// protocol (QMYSQL reads prepared statements in the binary protocol, where DATETIME loses its
// microseconds and DECIMAL may pass through a double):
//   integers, BIT      CAST(c AS CHAR) (BIT as its number)
//   DECIMAL            its digits without trailing fractional zeros ("1.5" for 1.50)
//   DOUBLE, FLOAT      the shortest text that reads back as the same double
//   DATE, DATETIME(p)  "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS.ffffff"; TIMESTAMP in UTC
//   binary, BLOB       HEX(c)
// The same text, with "-" for NULL and a length prefix on the types whose text may hold a ','
// (strings, JSON, TIME, geometry...), is what the server hashes (hashExpression), and
// hashRow() rebuilds it from row-model values, so a row read by any mode hashes the same.
QString readExpression(const ColumnInfo &column, const ZeroDate &zeroDate);
// readExpression() for a read streamed through libmariadb's text protocol (StreamedRead), where
// an integer column and a DATETIME(6)/TIMESTAMP(6) column (zero dates not mapped) print exactly
// as their CAST to CHAR does: the column itself, without the CAST, which cost mariadbd a quarter
// of its CPU on a 1M-row read. QMYSQL (paged reads) would hand those over as numbers and as a
// QDateTime of milliseconds: it keeps readExpression().
QString streamExpression(const ColumnInfo &column, const ZeroDate &zeroDate);
// The row hash as text: 52 bits of MD5(CONCAT_WS(',', part...)) over the columns (each part
// the text, "<bytes>:<text>" for the types that need it, or "-" for NULL) as a decimal int8:
// hex digits 1-7 of the MD5 as the high 32-bit half, digits 8-13 as the low half,
// CONV(INSERT(LEFT(md5, 13), 8, 0, '00'), 16, 10). A decimal int8 is what the PostgreSQL sync
// state sums per block of keys (hash mode by blocks, postgresblockstate.h), so a MariaDB
// source's state needs no format of its own; the halves' ranges let one SUM per block give
// both halves' sums (MysqlConnector::blockSums).
QString hashExpression(const QList<ColumnInfo> &columns, const ZeroDate &zeroDate);
// The session variable readExpression() maps zero dates to (set before reading).
QString zeroDateVariable();

// The row-model value of what readExpression() returned. A zero date (month or day 0) that
// the settings do not map becomes an unreadable value naming the column (quarantined).
QVariant fromText(const QVariant &text, const ColumnInfo &column, const QString &entity);
// The same from the text protocol's bytes of one field (UTF-8; nullptr for NULL), as
// libmariadb's mysql_fetch_row gives them (the streamed read, mysqlstream.h). The common
// types are read straight from the bytes (valueFromBytes, mysqlfieldvalues.h); then, when
// `bytesAreHashText` is given, it is set: the bytes are the value's hashRow() text.
QVariant fromText(const char *data, qsizetype size, const ColumnInfo &column, const QString &entity,
                  bool *bytesAreHashText = nullptr);

// The row's hash as hashExpression() computes it on the server (decimal text).
QByteArray hashRow(const Row &row, const Schema &schema);

// hashRow() built a column at a time, reusing its buffers from row to row: add() each value
// (or addText() the bytes fromText() said are its text), in the schema's order, then take().
class RowHasher final
{
    Q_DISABLE_COPY_MOVE(RowHasher)
public:
    RowHasher() = default;
    void add(const QVariant &value, ValueType type);
    void addText(const char *data, qsizetype size, ValueType type);
    // The hash of the values added since the last take() or clear().
    QByteArray take();
    // Forgets the values added since the last take() (a row left half-hashed).
    void clear();

private:
    void appendPart(const char *data, qsizetype size, ValueType type);

    std::string m_text; // the row's hash text (std::string: its appends are inline copies)
    QByteArray m_scratch;
    int m_parts = 0;
    QCryptographicHash m_md5 { QCryptographicHash::Md5 };
};

// The value to bind for `value` (of row-model `type`) written to or compared with `column`.
QVariant toParameter(const QVariant &value, ValueType type);
// The placeholder for a value compared with `column`: "?", or a CAST for DECIMAL, which
// MySQL would otherwise compare with a string as a double and lose digits.
QString parameterExpression(const ColumnInfo &column);

// Why `value` cannot be stored exactly in `column`, or empty when it can.
QString unrepresentableReason(const QVariant &value, ValueType type, const ColumnInfo &column);

// MariaDB's and MySQL's text of a double (CAST(d AS CHAR)): shortest round-trip digits,
// exponent form below 1e-15 and for integers past 1e15 ("1e15", "1.5e-16").
QString doubleText(double value);

} // namespace tf::sync::mysql
