#pragma once

#include <QList>

#include <optional>

namespace tf::sync::mysql {

// One query's key range of hash mode by blocks: from <= key < to, an absent end unbounded.
struct KeyCut
{
    std::optional<qint64> from;
    std::optional<qint64> to;
};

// Key ranges that cut the keys least .. greatest (rows about `rows`) into parts of about
// `rowsPerQuery` rows, every cut on a block edge (a multiple of `width`), so no block is split:
// the first range has no lower end and the last no upper end. One range when rows fit one query.
QList<KeyCut> blockQueryRanges(qint64 least, qint64 greatest, qint64 rows, qint64 width, qint64 rowsPerQuery);

} // namespace tf::sync::mysql
