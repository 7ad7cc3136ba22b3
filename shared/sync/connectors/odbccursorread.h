#pragma once

#include "odbcdialect.h"
#include "sync/connector.h"

#include <QStringList>
#include <QVariantList>

#include <optional>

namespace tf::sync::odbc {

// The ORDER BY and WHERE of a cursor-mode read (OdbcConnector::readSince): rows past `after`
// in (cursor, key) order, NULL cursors first in every database. Pure text and values, so each
// dialect's form is checked word for word (tst_sqlserverdialect) besides the real runs.
struct CursorRead
{
    QStringList order;   // ORDER BY terms
    QString where;       // empty: no condition
    QVariantList values; // bound in order
};

// A SQL Server rowversion (alias timestamp) column: one database-wide counter, stamped at each
// write, whose open transactions MIN_ACTIVE_ROWVERSION() bounds.
bool isRowversion(const Dialect &dialect, const ColumnInfo &cursor);

// On a rowversion cursor the read also stops below MIN_ACTIVE_ROWVERSION(): a version at or past
// it may belong to a transaction still open, which could commit after this read, so every row
// the read returns is one no later commit can put behind the checkpoint (no horizon is needed).
CursorRead cursorRead(const Dialect &dialect, const ColumnInfo &cursor, const QList<ColumnInfo> &keys,
                      const std::optional<Checkpoint> &after);

// "c1 > ? OR (c1 = ? AND (c2 > ?))": rows past `after` in `order`, values appended in order.
QString pastPosition(const Dialect &dialect, const QList<ColumnInfo> &order, const QVariantList &after, int from,
                     QVariantList *values);

} // namespace tf::sync::odbc
