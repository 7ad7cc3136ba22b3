#include "pgcopyread.h"

#include "copytextparser.h"
#include "pgcopyforms.h"
#include "pgcopyout.h"
#include "pgtypedhash.h"
#include "postgressession.h"
#include "core/errors.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <optional>

namespace tf::sync::pg {

namespace {

// Opens the read's transaction under an exported snapshot (cdc's initial copy). The name is
// the server's (hex numbers and dashes, "00000003-00000002-1"): checked, since SET
// TRANSACTION SNAPSHOT takes a literal, not a bound value.
void beginUnderSnapshot(PgSession &session, const QString &snapshot, const QString &label)
{
    checkSnapshotName(snapshot, label);
    session.exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", label);
    session.exec("SET TRANSACTION SNAPSHOT '" + snapshot.toLatin1() + "'", label);
}

} // namespace

void checkSnapshotName(const QString &snapshot, const QString &label)
{
    static const QRegularExpression name(QStringLiteral("^[0-9A-F]{1,16}(-[0-9A-F]{1,16}){1,2}$"));
    if (!name.match(snapshot).hasMatch())
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1: \"%2\" is not an exported snapshot name").arg(label, snapshot));
}

void copyRows(const db::Database &database, const Selection &selection,
              const QList<QByteArray> &params, const SelectBuilder &buildSelect,
              const QString &label, const RowSink &onRow, SourceHash hash, const QString &snapshot)
{
    PgSession session(database);
    if (!snapshot.isEmpty())
        beginUnderSnapshot(session, snapshot, label);
    auto rollback = qScopeGuard([&] { session.rollbackQuietly(); });
    if (snapshot.isEmpty())
        rollback.dismiss();
    const QStringList reads = bindAsSettings(session, params, label);
    const QByteArray sql
        = QStringLiteral("COPY (%1) TO STDOUT").arg(buildSelect(reads)).toUtf8();
    PgCopyOut copy(session, sql, label);
    CopyTextParser parser;
    const int columns = int(selection.columns.size());
    std::optional<PgTypedRowHasher> hasher;
    if (hash == SourceHash::Computed)
        hasher.emplace(selection.columns);
    QByteArrayView line;
    while (copy.next(&line)) {
        parser.parse(line, hash == SourceHash::Selected ? columns + 1 : columns, label);
        Row row;
        row.reserve(columns);
        for (int i = 0; i < columns; ++i) {
            if (parser.isNull(i)) {
                row.append(QVariant());
                continue;
            }
            row.append(valueFromCopyField(parser.field(i), selection.columns.at(i)));
        }
        QByteArray rowHash;
        if (hash == SourceHash::Selected) // a decimal int8 or an md5 hex text: never escaped, never NULL
            rowHash = parser.field(columns).toByteArray();
        else if (hasher)
            rowHash = hasher->hash(parser, label);
        if (!onRow(std::move(row), std::move(rowHash)))
            return; // the COPY's destructor cancels what the server still sends
    }
    if (!snapshot.isEmpty()) {
        session.exec("COMMIT", label);
        rollback.dismiss();
    }
}

} // namespace tf::sync::pg
