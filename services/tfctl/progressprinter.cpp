#include "progressprinter.h"

#include <cstdio>

namespace tf::tfctl {

namespace {

QString counts(const sync::EntityStats &s)
{
    return QStringLiteral("read %1  +%2 ~%3 -%4 =%5  quarantined %6")
        .arg(s.read).arg(s.inserted).arg(s.updated).arg(s.deleted).arg(s.unchanged).arg(s.quarantined);
}

// "  eta 1m05s" from the rate so far; nothing while there is no rate yet.
QString eta(double seconds)
{
    if (seconds < 0)
        return {};
    const qint64 whole = qint64(seconds + 0.5);
    if (whole < 60)
        return QStringLiteral("  eta %1s").arg(whole);
    if (whole < 3600)
        return QStringLiteral("  eta %1m%2s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("  eta %1h%2m").arg(whole / 3600).arg(whole / 60 % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

ProgressPrinter::ProgressPrinter(std::FILE *stream)
    : m_stream(stream)
{
    m_clock.start();
}

void ProgressPrinter::operator()(const sync::RunProgress &progress)
{
    const qint64 now = m_clock.elapsed();
    const bool newEntity = progress.entity != m_lastEntity;
    if (!newEntity && now - m_lastPrintMs < 250)
        return;
    m_lastPrintMs = now;
    m_lastEntity = progress.entity;
    const QString percent = progress.percent < 0 ? QStringLiteral("   ...") : QStringLiteral("%1%").arg(progress.percent, 5, 'f', 1);
    std::fprintf(m_stream, "[%7.1fs] %s (%d/%d)  %s  %s%s\n", double(now) / 1000.0, qPrintable(progress.entity),
                progress.entityIndex + 1, progress.entityCount, qPrintable(percent),
                qPrintable(counts(progress.entityStats)), qPrintable(eta(progress.etaSeconds)));
    std::fflush(m_stream);
}

void ProgressPrinter::summary(const sync::RunResult &result) const
{
    for (const auto &entity : result.entities)
        std::fprintf(m_stream, "  %-20s %s\n", qPrintable(entity.first), qPrintable(counts(entity.second)));
    std::fprintf(m_stream, "%s in %.1fs: %s", qPrintable(sync::runStatusName(result.status)), double(m_clock.elapsed()) / 1000.0,
                qPrintable(counts(result.totals)));
    if (result.retries > 0)
        std::fprintf(m_stream, "  (%d transient failures retried)", result.retries);
    std::fprintf(m_stream, "\n");
    if (!result.targetProblems.isEmpty()) {
        // One line per problem: the joined error text would be one long line.
        std::fprintf(m_stream, "error: the target is not ready, the real run would fail: %lld problem(s)\n",
                     static_cast<long long>(result.targetProblems.size()));
        for (const sync::TargetProblem &problem : result.targetProblems)
            std::fprintf(m_stream, "  - %s: %s\n", qPrintable(problem.entity), qPrintable(problem.message));
    } else if (!result.error.isEmpty()) {
        std::fprintf(m_stream, "error: %s\n", qPrintable(result.error));
    }
    std::fflush(m_stream);
}

} // namespace tf::tfctl
