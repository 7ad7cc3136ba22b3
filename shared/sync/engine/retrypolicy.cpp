#include "retrypolicy.h"

#include <QRandomGenerator>
#include <QThread>
#include <algorithm>

namespace tf::sync {

bool RetryPolicy::isTransient(Error::Kind kind)
{
    return kind == Error::Kind::Unavailable || kind == Error::Kind::Timeout;
}

bool RetryPolicy::isTransient(const Error &error)
{
    return isTransient(error.kind());
}

std::chrono::milliseconds RetryPolicy::ceiling(int retry) const
{
    // Doubling stops well before overflow: 2^30 times any sane base is past every maxDelay.
    const int shift = std::clamp(retry - 1, 0, 30);
    const double grown = double(baseDelay.count()) * double(qint64(1) << shift);
    return std::chrono::milliseconds(qint64(std::min(grown, double(maxDelay.count()))));
}

std::chrono::milliseconds RetryPolicy::delay(int retry, const std::function<double()> &random) const
{
    const std::chrono::milliseconds top = ceiling(retry);
    if (!jitter)
        return top;
    const double draw = random ? random() : QRandomGenerator::global()->generateDouble();
    const qint64 drawn = qint64(draw * double(top.count() + 1));
    return std::chrono::milliseconds(std::min<qint64>(drawn, top.count()));
}

Sleeper threadSleeper()
{
    return [](std::chrono::milliseconds wait) {
        QThread::msleep(quint64(std::max<qint64>(0, wait.count())));
    };
}

} // namespace tf::sync
