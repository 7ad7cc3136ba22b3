#pragma once

#include "connector.h"

#include <QString>

#include <optional>

namespace tf::sync {

// The checksum a source keeps of a whole table, read in a snapshot, with a fingerprint of what
// the source's row hashes cover (the hashed columns and how they are hashed): a hash run compares
// both with the ones recorded when the stored state last equalled the table
// (BlockStates::sourceChecksum).
struct TableChecksum
{
    QString checksum;
    QString fingerprint;
    bool operator==(const TableChecksum &other) const
    {
        return checksum == other.checksum && fingerprint == other.fingerprint;
    }
};

// Optional capability of a source with RangeChecksums::blockSums, asked through dynamic_cast:
// the checksum of the whole table in a read snapshot that the next blockSums of the same request
// reads too, so a recorded checksum describes exactly the rows whose block sums equalled the
// state (MysqlConnector: CHECKSUM TABLE inside START TRANSACTION WITH CONSISTENT SNAPSHOT).
class TableChecksums
{
public:
    virtual ~TableChecksums() = default;

    // Opens the snapshot and returns the checksum in it. nullopt: this table has none (another
    // storage engine, a view, a server not known to keep it in the snapshot); no snapshot is open.
    virtual std::optional<TableChecksum> openChecksumSnapshot(const ReadRequest &request) = 0;
    // The same for a full run: the next readAll of request.entity checksums the table in its own
    // snapshot before its first row, and readChecksum() then returns that checksum, once, if
    // that read went to its end in that snapshot (else nullopt).
    virtual void checksumNextRead(const ReadRequest &request)
    {
        Q_UNUSED(request);
    }
    virtual std::optional<TableChecksum> readChecksum() { return std::nullopt; }
    // Ends the snapshot, whether or not blockSums ran in it. True when every read since
    // openChecksumSnapshot was in it (false when it was lost, e.g. to a reconnect after an
    // error, or none was open). Never throws.
    virtual bool closeChecksumSnapshot() noexcept = 0;
};

} // namespace tf::sync
