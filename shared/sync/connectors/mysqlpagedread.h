#pragma once

#include "mysqlcatalog.h"

#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <functional>
#include <memory>
#include <optional>

namespace tf::sync::mysql {

// One keyset-paged read: SELECT <select>, <order columns> FROM <table> WHERE <position past
// the last row> ORDER BY <order columns> LIMIT <page>. The order columns' values of a page's
// last row start the next page. The first order column may be NULL when `nullsFirst` (a
// cursor column: NULL sorts first, and a position with a NULL cursor continues among the
// NULLs by key, then every non-NULL value follows).
struct PagedRead
{
    QString table;
    QStringList select;               // SQL expressions, read as text
    // The columns behind `select`, when it is readExpression() of each: a streamed read then
    // selects streamExpression() of each instead (the same text, cheaper for the server).
    QList<ColumnInfo> columns;
    QList<ColumnInfo> order;          // position columns
    bool nullsFirst = false;
    std::optional<QVariantList> after; // row-model values of the position to start past
    int pageSize = 5000;
    QString entity;                   // for messages
    // Set: a streamed read from the start reads CHECKSUM TABLE in its snapshot into it (after its rows),
    // and marks it complete once every row was read in that snapshot (TableChecksums).
    std::shared_ptr<struct ReadChecksum> checksum;
};

struct ReadChecksum
{
    QString value;
    bool complete = false;
};

// "c1 > ? OR (c1 = ? AND c2 > ?)...": rows past `after` in `order` (values bound in order).
QString positionPredicate(const PagedRead &read, const QVariantList &after, QVariantList *values);

class Session;

// Runs `read` on the session's read connection inside one consistent-snapshot transaction;
// `row` gets the query at each row (false: stop). Binds the zero_date mapping first.
void pagedRead(Session &session, const PagedRead &read, const std::function<bool(QSqlQuery &)> &row);
// SET @tf_zero_date for reads when the settings map zero dates (nothing otherwise).
void bindZeroDate(Session &session);

} // namespace tf::sync::mysql
