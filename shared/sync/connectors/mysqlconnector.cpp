#include "mysqlconnector.h"

#include "core/errors.h"
#include "mysqlsession.h"
#include "mysqlstatestore.h"
#include "mysqlvalues.h"

namespace tf::sync {

using mysql::ColumnInfo;
using mysql::Session;

MysqlConnector::MysqlConnector(const SystemSettings &settings)
    : m_session(std::make_unique<Session>(mysql::Settings::parse(settings)))
{ }

MysqlConnector::~MysqlConnector()
{
    m_stateStore.reset(); // before the session it uses
}

const mysql::Table &MysqlConnector::table(const QString &entity)
{
    auto it = m_tables.find(entity);
    if (it == m_tables.end())
        it = m_tables.insert(entity, mysql::readTable(*m_session, entity));
    return it.value();
}

QList<ColumnInfo> MysqlConnector::selected(const mysql::Table &t, const QStringList &columns) const
{
    if (columns.isEmpty())
        return t.columns;
    QList<ColumnInfo> result;
    for (const QString &name : columns)
        result << t.column(name);
    return result;
}

EntityDescription MysqlConnector::describe(const QString &entity)
{
    return table(entity).description;
}

QStringList MysqlConnector::entities()
{
    return mysql::tableNames(*m_session);
}

bool MysqlConnector::hasUniqueKey(const QString &entity, const QStringList &columns)
{
    return table(entity).hasUniqueKey(columns);
}

mysql::StateStore &MysqlConnector::ownStateStore()
{
    if (!m_stateStore)
        m_stateStore = std::make_unique<mysql::StateStore>(*m_session);
    return *m_stateStore;
}

StateStore &MysqlConnector::stateStore()
{
    return ownStateStore();
}

CursorHorizon MysqlConnector::cursorHorizon(const QString &entity, const QString &cursorColumn)
{
    const ColumnInfo &cursor = table(entity).column(cursorColumn);
    // MySQL's NOW() is the statement's start, not the transaction's: a transaction still
    // open can write cursor values from its start onwards (it is listed once it has run a
    // statement); one that has not yet run any can only write values from now on. Only client
    // sessions count (joined to PROCESSLIST): InnoDB's own background transactions, such as
    // the statistics updates after DDL, write no rows of ours.
    QSqlQuery query = m_session->run(
        Session::Role::Write,
        QStringLiteral("SELECT CAST(MIN(t.trx_started) AS CHAR), CAST(NOW(6) AS CHAR), COUNT(t.trx_id) "
                       "FROM information_schema.innodb_trx t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
                       "WHERE t.trx_mysql_thread_id NOT IN (?, ?)"),
        { m_session->connectionId(Session::Role::Read), m_session->connectionId(Session::Role::Write) },
        "asking for open transactions");
    query.next();
    const bool timeCursor = cursor.type == ValueType::Date || cursor.type == ValueType::Timestamp
        || cursor.type == ValueType::TimestampTz;
    if (!timeCursor)
        return query.value(2).toLongLong() > 0 ? CursorHorizon { CursorHorizon::Kind::Hold, {} } : CursorHorizon {};
    const QString oldest = query.value(0).isNull() ? query.value(1).toString() : query.value(0).toString();
    QVariant value;
    QString error;
    if (!coerceValue(oldest, cursor.type, &value, &error))
        return CursorHorizon { CursorHorizon::Kind::Hold, {} };
    return CursorHorizon { CursorHorizon::Kind::Below, value };
}

qint64 MysqlConnector::estimateRows(const ReadRequest &request, const QString &cursorColumn,
                                    const std::optional<Checkpoint> &after)
{
    if (!cursorColumn.isEmpty() && after)
        return kUnknownRows;
    QSqlQuery query = m_session->run(Session::Role::Write,
                                     QStringLiteral("SELECT TABLE_ROWS FROM information_schema.TABLES "
                                                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"),
                                     { request.entity }, "estimating rows");
    return query.next() && !query.value(0).isNull() ? query.value(0).toLongLong() : kUnknownRows;
}

bool MysqlConnector::isEmpty(const QString &entity)
{
    table(entity);
    QSqlQuery query = m_session->run(Session::Role::Write, QStringLiteral("SELECT 1 FROM %1 LIMIT 1").arg(Session::quote(entity)),
                                     {}, "checking whether a table is empty");
    return !query.next();
}

QList<FieldError> MysqlConnector::unrepresentable(const QString &entity, const Schema &schema, const Row &row)
{
    const mysql::Table &t = table(entity);
    QList<FieldError> errors;
    for (int c = 0; c < schema.size() && c < row.size(); ++c) {
        const int index = t.description.schema.indexOf(schema.at(c).name);
        if (index < 0)
            continue;
        const QString reason = mysql::unrepresentableReason(row.at(c), schema.at(c).type, t.columns.at(index));
        // Named by column: an entry shows only the first error's field, and joins every message.
        if (!reason.isEmpty())
            errors << FieldError { schema.at(c).name, QStringLiteral("target_type"),
                                   QStringLiteral("column '%1': %2").arg(schema.at(c).name, reason) };
    }
    return errors;
}

QSet<QString> MysqlConnector::existingValues(const QString &entity, const QString &column, ValueType type,
                                             const QList<QVariant> &values)
{
    const ColumnInfo &info = table(entity).column(column);
    QVariantList wanted;
    for (const QVariant &value : values) {
        if (!value.isNull() && value.isValid())
            wanted << mysql::toParameter(value, type);
    }
    QSet<QString> found;
    constexpr int kValuesPerStatement = 500;
    for (qsizetype start = 0; start < wanted.size(); start += kValuesPerStatement) {
        const int count = int(qMin<qsizetype>(kValuesPerStatement, wanted.size() - start));
        QSqlQuery query = m_session->run(
            Session::Role::Write,
            QStringLiteral("SELECT DISTINCT %1 FROM %2 WHERE %3 IN (%4)")
                .arg(mysql::readExpression(info, {}), Session::quote(entity), Session::quote(column),
                     QStringList(count, mysql::parameterExpression(info)).join(QStringLiteral(", "))),
            wanted.mid(start, count), "looking up referenced values");
        while (query.next()) {
            const QVariant value = mysql::fromText(query.value(0), info, entity);
            if (!unreadableOf(value))
                found.insert(QString::fromUtf8(canonicalValue(value, type)));
        }
    }
    return found;
}

} // namespace tf::sync
