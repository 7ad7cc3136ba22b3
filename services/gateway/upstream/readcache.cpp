#include "readcache.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/changefeedrepository.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcReadCache, "gateway.cache")

namespace tf::gateway {

ReadCache::ReadCache(const DatabaseState &database)
    : m_database(database)
{ }

std::optional<ReadCache::Position> ReadCache::position()
{
    if (!m_database.isOpen())
        return std::nullopt;
    try {
        const db::ChangeFeedRepository feed(m_database.database().database());
        const db::ChangeFeedRepository::Version version = feed.version();
        if (version.head != m_head) {
            // The feed moved (or went back: another database): nothing kept still holds.
            m_entries.clear();
            m_head = version.head;
        }
        return Position { version.head, version.settled };
    } catch (const Error &error) {
        qCDebug(lcReadCache).noquote() << "change feed position not read, answers not cached:" << error.message();
        m_entries.clear();
        m_head = -1;
        return std::nullopt;
    }
}

std::optional<SyncdClient::Result> ReadCache::find(const QByteArray &key, const Position &at) const
{
    if (at.head != m_head)
        return std::nullopt;
    const auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd())
        return std::nullopt;
    return *it;
}

void ReadCache::store(const QByteArray &key, const Position &at, const SyncdClient::Result &result)
{
    // Taken before the answer was asked for, so the answer is at least as new as `at`; kept
    // only while nothing newer has been seen (a newer position cleared the entries).
    if (!at.settled || at.head != m_head || result.status != 200 || result.body.size() > kMaxBodyBytes)
        return;
    if (m_entries.size() >= kMaxEntries && !m_entries.contains(key))
        m_entries.clear();
    m_entries.insert(key, result);
}

void ReadCache::clear()
{
    m_entries.clear();
    m_head = -1;
}

} // namespace tf::gateway
