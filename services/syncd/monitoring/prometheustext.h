#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace tf::syncd {

// Writes the Prometheus text exposition format (0.0.4): a # HELP and # TYPE line per family,
// then its samples; label values escaped (backslash, double quote, newline), values in Go's
// float syntax (NaN, +Inf, -Inf).
class PrometheusText final
{
public:
    using Labels = QList<QPair<QByteArray, QString>>;

    // type: counter, gauge, histogram. Each family once, before its samples.
    void family(const QByteArray &name, const QByteArray &type, const QString &help);
    // The full sample name (a histogram's _bucket/_sum/_count, a counter's _total).
    void sample(const QByteArray &name, const Labels &labels, double value);

    const QByteArray &text() const { return m_out; }

    static QByteArray escapeLabelValue(const QString &value);
    static QByteArray escapeHelp(const QString &help);
    static QByteArray formatValue(double value);

private:
    QByteArray m_out;
};

} // namespace tf::syncd
