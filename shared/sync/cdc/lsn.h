#pragma once

#include <QString>
#include <QStringView>
#include <QtGlobal>
#include <optional>

namespace tf::sync::cdc {

// A PostgreSQL WAL position (XLogRecPtr): a byte offset into the write-ahead log. Spelled
// "X/Y" (upper and lower 32 bits in hexadecimal), as pg_current_wal_lsn() prints it.
using Lsn = quint64;

QString formatLsn(Lsn lsn);
// "16/B374D848" -> the position; nullopt for anything else (empty, no slash, not hex).
std::optional<Lsn> parseLsn(QStringView text);

// Microseconds since 2000-01-01 00:00 UTC, the epoch of the replication protocol's times.
qint64 toPgEpochMicros(qint64 unixMillis);
qint64 fromPgEpochMicros(qint64 pgMicros); // -> milliseconds since the Unix epoch

} // namespace tf::sync::cdc
