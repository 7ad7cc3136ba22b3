#pragma once

// What the file connector tests share: reading and writing whole files, reading every row of
// an entity, value-by-value comparison, the nasty values every file format must round-trip,
// and the process's resident memory.
#include "sync/connector.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <limits>

namespace tf::test::files {

using namespace tf::sync;

inline void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline QList<Row> readRows(SourceConnector &source, const QString &entity, int batchSize = 1000)
{
    QList<Row> rows;
    ReadRequest request;
    request.entity = entity;
    request.batchSize = batchSize;
    source.readAll(request, [&](const RowBatch &batch) {
        rows << batch.rows;
        return true;
    });
    return rows;
}

inline void compareRows(const QList<Row> &actual, const QList<Row> &expected, const Schema &schema)
{
    QCOMPARE(actual.size(), expected.size());
    for (int r = 0; r < actual.size(); ++r) {
        QCOMPARE(actual.at(r).size(), schema.size());
        for (int c = 0; c < schema.size(); ++c) {
            const QVariant &a = actual.at(r).at(c);
            // The expectation in the row model's representation (e.g. a QDateTime as TimeValue).
            QVariant e = expected.at(r).at(c);
            QString coerceError;
            if (!e.isNull() && e.isValid() && schema.at(c).type != ValueType::Bytes
                && !coerceValue(expected.at(r).at(c), schema.at(c).type, &e, &coerceError))
                QFAIL(qPrintable(coerceError));
            const QString where = QStringLiteral("row %1 column %2").arg(r).arg(schema.at(c).name);
            QVERIFY2(a.isNull() == e.isNull(), qPrintable(where));
            QVERIFY2(canonicalValue(a, schema.at(c).type) == canonicalValue(e, schema.at(c).type),
                     qPrintable(where + QStringLiteral(": ") + QString::fromUtf8(canonicalValue(a, schema.at(c).type))));
            if (!e.isNull())
                QVERIFY2(a.typeId() == e.typeId() && a == e, qPrintable(where));
        }
    }
}

inline QVariant coerced(const QString &text, ValueType type)
{
    QVariant out;
    QString error;
    return coerceValue(text, type, &out, &error) ? out : QVariant();
}

// The nasty values every file format must write and read back exactly.
inline Schema nastySchema()
{
    return Schema({ { QStringLiteral("Key \"Name\""), ValueType::Text }, { QStringLiteral("n"), ValueType::Integer },
                    { QStringLiteral("amount"), ValueType::Decimal }, { QStringLiteral("ratio"), ValueType::Double },
                    { QStringLiteral("when"), ValueType::TimestampTz }, { QStringLiteral("local"), ValueType::Timestamp },
                    { QStringLiteral("day"), ValueType::Date }, { QStringLiteral("flag"), ValueType::Boolean },
                    { QStringLiteral("payload"), ValueType::Bytes }, { QStringLiteral("id"), ValueType::Uuid },
                    { QStringLiteral("doc"), ValueType::Json } });
}

inline QList<Row> nastyRows()
{
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(char(i));
    return {
        { QStringLiteral("👩‍🚀 naïve, \"q\"\r\nline; tab\t"), qint64(1), QStringLiteral("123456789012.34"), 1e-20,
          coerced(QStringLiteral("2024-03-10T08:15:30.123456+05:30"), ValueType::TimestampTz),
          coerced(QStringLiteral("1999-12-31T23:59:59.999999"), ValueType::Timestamp),
          coerced(QStringLiteral("infinity"), ValueType::Date), true, all, QStringLiteral("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"),
          coerced(QStringLiteral("{\"é\":\"x\",\"a\":[1,2.5,{\"b\":null}]}"), ValueType::Json) },
        { QString(QLatin1String("")), std::numeric_limits<qint64>::min(), QStringLiteral("-0.12345678901234567891"), -1.5e300,
          QDateTime(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC),
          coerced(QStringLiteral("294276-12-31T23:59:59.999999"), ValueType::Timestamp),
          coerced(QStringLiteral("4714-11-24 BC"), ValueType::Date), false, QByteArray(""), QStringLiteral("00000000-0000-0000-0000-000000000000"), QStringLiteral("[]") },
        { QStringLiteral("\\N"), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(),
          QVariant(), QVariant() },
    };
}

inline QJsonArray declared(const Schema &schema)
{
    QJsonArray columns;
    for (const Column &column : schema.columns())
        columns.append(QJsonObject { { QStringLiteral("name"), column.name }, { QStringLiteral("type"), valueTypeName(column.type) } });
    return columns;
}

inline qint64 residentKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace tf::test::files
