#pragma once

#include "auditrepository.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>

// SQL pieces shared by the audit repository's files (auditrepository.cpp, auditchain.cpp).
namespace tf::db::audit {

// The columns readEntry() expects, in order.
extern const QString kEntryColumns;
AuditEntry readEntry(const Dialect &dialect, const QSqlQuery &query);

// A WHERE clause with its bound values (never pasted into the SQL).
struct WhereClause
{
    QStringList conditions;
    QVariantList values;

    QString sql() const
    {
        return conditions.isEmpty() ? QString()
                                    : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    }
};
WhereClause whereClause(const Dialect &dialect, const AuditFilter &filter);

} // namespace tf::db::audit
