#pragma once

#include "sync/connectors/odbcdialect.h"

#include <QString>

namespace tf::sync::cdc::odbcsql {

using odbc::ColumnInfo;
using odbc::Dialect;

// The SQL an ODBC cdc target (odbccdctarget.*, odbccdctablewriter.*) sends beyond what the ODBC
// connector's own writer sends (its upsert: Dialect::upsert, its delete by key: OdbcConnector::
// deleteKeys). Pure text of the dialect, values always bound: tst_sqlserverdialect checks the
// SQL Server statements word for word (they have never run against a real SQL Server here),
// tst_cdcodbc runs the others through psqlODBC and SQLite ODBC.

// tf_cdc_position(pair_id, slot, system_id, timeline, end_lsn BIGINT, updated_at) and
// tf_cdc_snapshot(pair_id, slot, started_at): names in the dialect's bounded text type (a
// primary key), times as ISO 8601 UTC text.
QString createPositionTable(const Dialect &dialect);
QString createSnapshotTable(const Dialect &dialect);
// SELECT system_id, timeline, end_lsn ... WHERE pair_id = ? AND slot = ?
QString loadPosition();
// Saves a position never backwards. SQL Server: one MERGE WITH (HOLDLOCK) whose WHEN MATCHED
// holds `t.end_lsn <= s.end_lsn` (0 rows affected: older, not saved); values (pair_id, slot,
// system_id, timeline, end_lsn, updated_at). Elsewhere empty: advancePosition(), then, when it
// changed nothing and no row is there (positionExists()), insertPosition().
QString savePosition(const Dialect &dialect);
// UPDATE ... WHERE pair_id = ? AND slot = ? AND end_lsn <= ?; values (system_id, timeline,
// end_lsn, updated_at, pair_id, slot, end_lsn).
QString advancePosition();
QString positionExists();
// Values (pair_id, slot, system_id, timeline, end_lsn, updated_at).
QString insertPosition();
// DELETE FROM <table> WHERE pair_id = ? AND slot = ?
QString removeRow(const QString &table);
// Inserts (pair_id, slot, started_at) unless the pair and slot have a mark already.
QString markSnapshot(const Dialect &dialect);
QString snapshotMark();
// The session settings the writer relies on, sent before each target transaction: SQL Server's
// SET NOCOUNT OFF (affected-row counts say whether a row was found; a login's user options may
// turn them off) and SET TRANSACTION ISOLATION LEVEL READ COMMITTED (a login's default may be
// another); empty elsewhere (PostgreSQL's and SQLite's defaults are what the writer assumes).
QString sessionSettings(const Dialect &dialect);

// UPDATE <table> SET <c> = <parameter>, ... WHERE <one key>: a streamed partial update.
QString updateColumns(const Dialect &dialect, const QString &table,
                      const QList<ColumnInfo> &columns, const QList<ColumnInfo> &keys);
// SELECT 1 FROM <table> WHERE <one key>: a row's presence (an update sending no value).
QString rowExists(const Dialect &dialect, const QString &table, const QList<ColumnInfo> &keys);
// UPDATE <table> SET <flag> = <parameter> WHERE <key> OR <key> ... (`rows` keys): soft deletes.
QString flagRows(const Dialect &dialect, const QString &table, const ColumnInfo &flag,
                 const QList<ColumnInfo> &keys, int rows);
// TRUNCATE of the source: DELETE FROM <table>, or every row not flagged yet flagged.
QString deleteAll(const Dialect &dialect, const QString &table);
QString flagAll(const Dialect &dialect, const QString &table, const ColumnInfo &flag);
// Keys per flagRows() statement (`otherParameters` besides the keys): within the dialect's
// parameter limit (SQL Server's 2,100), at most 200.
int keysPerStatement(const Dialect &dialect, int keyWidth, int otherParameters);

} // namespace tf::sync::cdc::odbcsql
