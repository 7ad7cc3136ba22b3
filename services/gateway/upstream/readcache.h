#pragma once

#include "gateway/syncdclient.h"

#include <QByteArray>
#include <QHash>

#include <optional>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// tf-syncd's answers to some read routes, kept by the gateway and served again without asking
// tf-syncd while the control database's change feed has not moved (docs/performance.md,
// "Read cache"). Every answer is stored under the feed position read *before* it was asked
// for, and served only while the feed is still at that position: any committed change to a
// resource the feed follows (through this gateway, another one, tf-syncd, tfctl) moves the
// position, so a change that was acknowledged is never followed by an older answer. On
// PostgreSQL an answer is stored only when no transaction was open at that moment (one could
// still commit below the position read). A write through this gateway clears the cache too.
class ReadCache final
{
    Q_DISABLE_COPY_MOVE(ReadCache)

public:
    static constexpr int kMaxEntries = 256;
    static constexpr qsizetype kMaxBodyBytes = 1 << 20;

    explicit ReadCache(const DatabaseState &database);

    // The feed's position now; nullopt when the database cannot say (then nothing is served
    // from or stored in the cache).
    struct Position
    {
        qint64 head = 0;
        bool settled = false;
    };
    std::optional<Position> position();

    // The answer stored under key at exactly this position.
    std::optional<SyncdClient::Result> find(const QByteArray &key, const Position &at) const;
    // Keeps a 200 answer read after `at` was taken (only when `at` is settled and still the
    // newest position this cache has seen).
    void store(const QByteArray &key, const Position &at, const SyncdClient::Result &result);
    void clear();

    qint64 hits() const { return m_hits; }
    qint64 misses() const { return m_misses; }
    void countHit() { ++m_hits; }
    void countMiss() { ++m_misses; }
    int size() const { return int(m_entries.size()); }

private:
    const DatabaseState &m_database;
    qint64 m_head = -1; // the position the entries belong to
    QHash<QByteArray, SyncdClient::Result> m_entries;
    qint64 m_hits = 0;
    qint64 m_misses = 0;
};

} // namespace tf::gateway
