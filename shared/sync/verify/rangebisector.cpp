#include "rangebisector.h"

#include "core/errors.h"

#include <future>

namespace tf::sync {

namespace {

struct Pending
{
    KeyRange range;
    RangeSum source;
    RangeSum target;
};

// Both sides at once: the source on a helper thread, the target here.
QPair<QList<RangeSum>, QList<RangeSum>> sumsOfBoth(RangeBisector::Side &source,
                                                   RangeBisector::Side &target,
                                                   const KeyRange &range, const QStringList &splits)
{
    auto sourceSums = std::async(std::launch::async, [&] {
        return source.ranges->rangeSums(source.request, range, splits, source.hash);
    });
    QList<RangeSum> targetSums;
    try {
        targetSums = target.ranges->rangeSums(target.request, range, splits, target.hash);
    } catch (...) {
        sourceSums.wait();
        throw;
    }
    return { sourceSums.get(), targetSums };
}

} // namespace

RangeBisector::RangeBisector(Side source, Side target, const std::atomic_bool *cancel)
    : m_source(std::move(source))
    , m_target(std::move(target))
    , m_cancel(cancel)
{ }

RangeBisector::Result RangeBisector::run()
{
    Result result;
    // The parts of a cut range whose sums differ; a part as large as the range itself (one key
    // held by many rows where the key is not unique) ends the bisection there.
    const auto differingParts = [&](const KeyRange &range, const QStringList &splits,
                                    const QPair<QList<RangeSum>, QList<RangeSum>> &sums) {
        QList<Pending> parts;
        for (int i = 0; i <= splits.size(); ++i) {
            KeyRange part;
            part.from = i == 0 ? range.from : std::optional<QString>(splits.at(i - 1));
            part.to = i == splits.size() ? range.to : std::optional<QString>(splits.at(i));
            const RangeSum s = sums.first.value(i);
            const RangeSum t = sums.second.value(i);
            if (s == t)
                continue;
            if (part.from == range.from && part.to == range.to)
                result.differing << part;
            else
                parts << Pending { part, s, t };
        }
        return parts;
    };
    // The whole range is cut at once at the source's quantiles: a table that differs then
    // costs one checksum scan per side before the bisection narrows down, not two (the whole
    // range, then its parts), for one sort of the source's keys more when nothing differs.
    const QStringList firstSplits = m_source.ranges->splitPoints(m_source.request, KeyRange {}, kFanOut);
    ++m_queries;
    const auto whole = sumsOfBoth(m_source, m_target, KeyRange {}, firstSplits);
    ++m_queries;
    for (const RangeSum &sum : whole.first)
        result.sourceRows += sum.rows;
    for (const RangeSum &sum : whole.second)
        result.targetRows += sum.rows;
    QList<Pending> work;
    if (firstSplits.isEmpty()) {
        // An empty source (or one key): the target's quantiles cut it below.
        if (whole.first.value(0) != whole.second.value(0))
            work << Pending { KeyRange {}, whole.first.value(0), whole.second.value(0) };
    } else {
        work = differingParts(KeyRange {}, firstSplits, whole);
    }
    while (!work.isEmpty()) {
        if (m_cancel && m_cancel->load())
            break;
        const Pending pending = work.takeFirst();
        if (qMax(pending.source.rows, pending.target.rows) <= kLeafRows) {
            result.differing << pending.range;
            continue;
        }
        // Cut where the side holding more rows has its quantiles: the other may be empty here.
        Side &cutter = pending.source.rows >= pending.target.rows ? m_source : m_target;
        const QStringList splits = cutter.ranges->splitPoints(cutter.request, pending.range, kFanOut);
        ++m_queries;
        if (splits.isEmpty()) {
            result.differing << pending.range;
            continue;
        }
        const auto sums = sumsOfBoth(m_source, m_target, pending.range, splits);
        ++m_queries;
        // Depth first keeps the result in key order.
        work = differingParts(pending.range, splits, sums) + work;
    }
    result.queries = m_queries;
    return result;
}

} // namespace tf::sync
