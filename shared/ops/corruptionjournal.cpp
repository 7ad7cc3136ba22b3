#include "corruptionchecks.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "db/connection.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlField>
#include <QSqlQuery>

#include <algorithm>

namespace tf::ops::corruption {

QJsonValue toJsonValue(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return QJsonValue();
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return value.toLongLong();
    case QMetaType::Double:
    case QMetaType::Float:
        return value.toDouble();
    case QMetaType::QDateTime:
        return value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
    case QMetaType::QByteArray:
        return QJsonObject { { QStringLiteral("base64"), QString::fromLatin1(value.toByteArray().toBase64()) } };
    default:
        return value.toString();
    }
}

QJsonObject recordToJson(const QSqlRecord &record)
{
    QJsonObject object;
    for (int i = 0; i < record.count(); ++i)
        object.insert(record.fieldName(i), toJsonValue(record.value(i)));
    return object;
}

namespace {

QVariant fromJsonValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QVariant(QMetaType(QMetaType::QString));
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (number == static_cast<double>(static_cast<qint64>(number)))
            return static_cast<qint64>(number);
        return number;
    }
    case QJsonValue::Object:
        return QByteArray::fromBase64(value.toObject().value(QStringLiteral("base64")).toString().toLatin1());
    default:
        return value.toString();
    }
}

QString undoLine(db::Database &database, const QJsonObject &line)
{
    const db::Dialect &dialect = database.dialect();
    const QString table = line.value(QStringLiteral("table")).toString();
    const QJsonObject key = line.value(QStringLiteral("key")).toObject();
    const QJsonObject before = line.value(QStringLiteral("before")).toObject();
    const QString change = line.value(QStringLiteral("change")).toString();
    QStringList where;
    QVariantList whereValues;
    for (auto it = key.begin(); it != key.end(); ++it) {
        where << dialect.quoteIdentifier(it.key()) + QStringLiteral(" = ?");
        whereValues << fromJsonValue(it.value());
    }
    QString sql;
    QVariantList values;
    if (change == QLatin1String("update")) {
        QStringList sets;
        for (const QJsonValue &column : line.value(QStringLiteral("set_columns")).toArray()) {
            sets << dialect.quoteIdentifier(column.toString()) + QStringLiteral(" = ?");
            values << fromJsonValue(before.value(column.toString()));
        }
        sql = QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                  .arg(dialect.quoteIdentifier(table), sets.join(QStringLiteral(", ")), where.join(QStringLiteral(" AND ")));
        values << whereValues;
    } else if (change == QLatin1String("delete")) {
        QStringList columns;
        QStringList marks;
        for (auto it = before.begin(); it != before.end(); ++it) {
            columns << dialect.quoteIdentifier(it.key());
            marks << QStringLiteral("?");
            values << fromJsonValue(it.value());
        }
        const bool identity = dialect.isPostgres() && before.contains(QStringLiteral("id"));
        sql = QStringLiteral("INSERT INTO %1 (%2) %3VALUES (%4)")
                  .arg(dialect.quoteIdentifier(table), columns.join(QStringLiteral(", ")),
                       identity ? QStringLiteral("OVERRIDING SYSTEM VALUE ") : QString(), marks.join(QStringLiteral(", ")));
    } else {
        return {};
    }
    try {
        QSqlQuery query = database.prepare(sql);
        for (const QVariant &value : std::as_const(values))
            query.addBindValue(value);
        database.exec(query, "undoing a corruption fix");
    } catch (const Error &error) {
        return QStringLiteral("%1 %2: %3").arg(table, QString::fromUtf8(json::compact(key)), error.message());
    }
    return {};
}

} // namespace

Journal::Journal(const QString &path)
    : m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(Error::Kind::Unavailable, QStringLiteral("cannot write %1: %2").arg(path, m_file.errorString()));
    m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

Journal::~Journal()
{
    close();
}

void Journal::record(const QString &table, const QString &change, const QSqlRecord &before,
                     const QStringList &keyColumns, const QStringList &setColumns, const QString &problem)
{
    QJsonObject key;
    for (const QString &column : keyColumns)
        key.insert(column, toJsonValue(before.value(column)));
    const QJsonObject line {
        { QStringLiteral("table"), table },
        { QStringLiteral("change"), change },
        { QStringLiteral("key"), key },
        { QStringLiteral("set_columns"), QJsonArray::fromStringList(setColumns) },
        { QStringLiteral("problem"), problem },
        { QStringLiteral("before"), recordToJson(before) },
    };
    if (m_file.write(json::compact(line) + '\n') < 0)
        throw Error(Error::Kind::Unavailable, QStringLiteral("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString()));
    ++m_lines;
}

void Journal::close()
{
    if (!m_file.isOpen())
        return;
    m_file.flush();
    m_file.close();
}

QStringList Journal::undo(db::Database &database, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return { QStringLiteral("cannot read %1: %2").arg(path, file.errorString()) };
    QList<QJsonObject> lines;
    while (!file.atEnd()) {
        const QByteArray text = file.readLine().trimmed();
        if (!text.isEmpty())
            lines << QJsonDocument::fromJson(text).object();
    }
    std::reverse(lines.begin(), lines.end());
    QStringList problems;
    for (const QJsonObject &line : std::as_const(lines)) {
        const QString problem = undoLine(database, line);
        if (!problem.isEmpty())
            problems << problem;
    }
    return problems;
}

} // namespace tf::ops::corruption
