#pragma once

#include <QByteArray>
#include <QList>
#include <QRandomGenerator>

namespace tf::sync::demo {

// The demo's only source of chance: QRandomGenerator seeded once, and integer arithmetic
// only (no floating-point distributions), so a seed gives the same rows on every run.
class DemoRandom final
{
public:
    explicit DemoRandom(quint32 seed)
        : m_generator(seed)
    { }

    // low..high, both included.
    int between(int low, int high)
    {
        return low + int(m_generator.bounded(quint32(high - low) + 1));
    }
    qint64 between64(qint64 low, qint64 high)
    {
        return low + qint64(m_generator.bounded(quint64(high - low) + 1));
    }
    bool percent(int chance) { return between(1, 100) <= chance; }
    bool permille(int chance) { return between(1, 1000) <= chance; }

    template<typename T> const T &pick(const QList<T> &items)
    {
        return items.at(between(0, int(items.size()) - 1));
    }

    // Index into weights, chosen with probability weight / sum(weights).
    int weighted(const QList<int> &weights)
    {
        int total = 0;
        for (const int weight : weights)
            total += weight;
        int roll = between(1, total);
        for (int i = 0; i < weights.size(); ++i) {
            roll -= weights.at(i);
            if (roll <= 0)
                return i;
        }
        return int(weights.size()) - 1;
    }

    QByteArray bytes(int count)
    {
        QByteArray out(count, Qt::Uninitialized);
        for (int i = 0; i < count; ++i)
            out[i] = char(m_generator.bounded(256u));
        return out;
    }

private:
    QRandomGenerator m_generator;
};

} // namespace tf::sync::demo
