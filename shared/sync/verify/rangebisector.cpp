#include "rangebisector.h"

#include "core/errors.h"


namespace tf::sync {

namespace {

struct Pending
{
    KeyRange range;
    RangeSum source;
    RangeSum target;
};

// Both sides at once: the source on its side thread, the target here.
QPair<QList<RangeSum>, QList<RangeSum>> sumsOfBoth(SideThread &thread, RangeBisector::Side &source,
                                                   RangeBisector::Side &target,
                                                   const KeyRange &range, const QStringList &splits)
{
    auto sourceSums = thread.run([&] {
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

RangeBisector::RangeBisector(SideThread &thread, Side source, Side target, const std::atomic_bool *cancel)
    : m_thread(thread)
    , m_source(std::move(source))
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
    QList<Pending> work;
    // Integer keys are cut for free (equal widths from the key's index) and bucketed by
    // arithmetic: one scan per side sums every part at once, identical tables included.
    const QStringList cheapSplits = m_source.ranges->splitsCheaply(m_source.request)
        ? m_source.ranges->splitPoints(m_source.request, KeyRange {}, kCheapFirstParts)
        : QStringList();
    if (!cheapSplits.isEmpty()) {
        ++m_queries;
        const auto cut = sumsOfBoth(m_thread, m_source, m_target, KeyRange {}, cheapSplits);
        ++m_queries;
        for (const RangeSum &sum : cut.first)
            result.sourceRows += sum.rows;
        for (const RangeSum &sum : cut.second)
            result.targetRows += sum.rows;
        work = differingParts(KeyRange {}, cheapSplits, cut);
    } else {
        // Otherwise one checksum of the whole table per side first: identical tables cost that
        // and nothing more. A table that differs is then cut into parts of about kLeafRows rows
        // at its quantiles, so a few changed rows are found with one more scan.
        const auto whole = sumsOfBoth(m_thread, m_source, m_target, KeyRange {}, {});
        ++m_queries;
        result.sourceRows = whole.first.value(0).rows;
        result.targetRows = whole.second.value(0).rows;
        if (whole.first.value(0) != whole.second.value(0)) {
            const qint64 rows = qMax(result.sourceRows, result.targetRows);
            const int parts = int(qBound(qint64(kFanOut), rows / kLeafRows + 1, qint64(kMaxFirstParts)));
            Side &cutter = result.sourceRows >= result.targetRows ? m_source : m_target;
            const QStringList firstSplits = cutter.ranges->splitPoints(cutter.request, KeyRange {}, parts);
            ++m_queries;
            if (firstSplits.isEmpty()) {
                work << Pending { KeyRange {}, whole.first.value(0), whole.second.value(0) };
            } else {
                const auto cut = sumsOfBoth(m_thread, m_source, m_target, KeyRange {}, firstSplits);
                ++m_queries;
                work = differingParts(KeyRange {}, firstSplits, cut);
            }
        }
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
        const auto sums = sumsOfBoth(m_thread, m_source, m_target, pending.range, splits);
        ++m_queries;
        // Depth first keeps the result in key order.
        work = differingParts(pending.range, splits, sums) + work;
    }
    result.queries = m_queries;
    return result;
}

} // namespace tf::sync
