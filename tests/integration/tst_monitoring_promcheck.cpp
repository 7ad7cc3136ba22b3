// A strict check of the Prometheus text exposition format (0.0.4), stricter than scrapers
// are: every family has exactly one # HELP and one # TYPE before its samples and its samples
// are contiguous; names and label names are valid; label values use only the three escapes;
// values parse; counters end in _total; histograms have _bucket (with le, ending at +Inf,
// cumulative), _sum and _count; no series appears twice; every sample carries the required
// labels (but the request families shared with the gateway). It runs whether or not promtool is installed.
#include <QByteArray>
#include <QProcess>
#include <QStandardPaths>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cmath>
#include <optional>

namespace tf::test {

namespace {

struct Sample
{
    QString name;
    QList<QPair<QString, QString>> labels;
    double value = 0;
};

// Parses `name{a="x",b="y"} value`; returns a problem or "".
QString parseSample(const QString &line, Sample *sample)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*"));
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*"));
    const auto nameMatch = metricName.match(line);
    if (!nameMatch.hasMatch())
        return QStringLiteral("bad metric name");
    sample->name = nameMatch.captured(0);
    qsizetype at = sample->name.size();
    if (at < line.size() && line.at(at) == QLatin1Char('{')) {
        ++at;
        while (at < line.size() && line.at(at) != QLatin1Char('}')) {
            const auto labelMatch = labelName.match(line.mid(at));
            if (!labelMatch.hasMatch())
                return QStringLiteral("bad label name");
            const QString label = labelMatch.captured(0);
            at += label.size();
            if (line.mid(at, 2) != QLatin1String("=\""))
                return QStringLiteral("label %1 without =\"").arg(label);
            at += 2;
            QString value;
            bool closed = false;
            while (at < line.size()) {
                const QChar c = line.at(at++);
                if (c == QLatin1Char('"')) {
                    closed = true;
                    break;
                }
                if (c == QLatin1Char('\\')) {
                    if (at >= line.size())
                        return QStringLiteral("dangling backslash");
                    const QChar e = line.at(at++);
                    if (e == QLatin1Char('\\'))
                        value += QLatin1Char('\\');
                    else if (e == QLatin1Char('"'))
                        value += QLatin1Char('"');
                    else if (e == QLatin1Char('n'))
                        value += QLatin1Char('\n');
                    else
                        return QStringLiteral("unknown escape \\%1 in label %2").arg(e).arg(label);
                } else {
                    value += c;
                }
            }
            if (!closed)
                return QStringLiteral("unterminated value of label %1").arg(label);
            for (const auto &existing : std::as_const(sample->labels)) {
                if (existing.first == label)
                    return QStringLiteral("label %1 twice").arg(label);
            }
            sample->labels.append({ label, value });
            if (at < line.size() && line.at(at) == QLatin1Char(','))
                ++at;
            else if (at < line.size() && line.at(at) != QLatin1Char('}'))
                return QStringLiteral("expected , or } after label %1").arg(label);
        }
        if (at >= line.size())
            return QStringLiteral("unterminated label set");
        ++at; // }
    }
    if (at >= line.size() || line.at(at) != QLatin1Char(' '))
        return QStringLiteral("no space before the value");
    const QStringList rest = line.mid(at + 1).split(QLatin1Char(' '));
    if (rest.size() > 2)
        return QStringLiteral("trailing text after value and timestamp");
    const QString value = rest.first();
    if (value == QLatin1String("NaN"))
        sample->value = qQNaN();
    else if (value == QLatin1String("+Inf"))
        sample->value = qInf();
    else if (value == QLatin1String("-Inf"))
        sample->value = -qInf();
    else {
        bool ok = false;
        sample->value = value.toDouble(&ok);
        if (!ok)
            return QStringLiteral("value '%1' is not a number").arg(value);
    }
    return {};
}

QString labelValue(const Sample &sample, const QString &name)
{
    for (const auto &label : sample.labels) {
        if (label.first == name)
            return label.second;
    }
    return {};
}

} // namespace

QString checkPrometheusText(const QByteArray &text, const QStringList &requiredLabels)
{
    if (text.isEmpty() || !text.endsWith('\n'))
        return QStringLiteral("empty, or no newline at the end");
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    QHash<QString, QString> types; // family -> type
    QSet<QString> helped;
    QSet<QString> finished; // families whose samples are over
    QSet<QString> series;
    QString current;
    QHash<QString, double> lastBucket; // histogram series (labels without le) -> last cumulative count
    QHash<QString, bool> sawInf;
    for (int n = 0; n < lines.size() - 1; ++n) {
        const QString &line = lines.at(n);
        const QString where = QStringLiteral("line %1 '%2': ").arg(n + 1).arg(line.left(160));
        if (line.isEmpty())
            return where + QStringLiteral("empty line");
        if (line.startsWith(QLatin1Char('#'))) {
            const QStringList parts = line.split(QLatin1Char(' '));
            if (parts.size() < 3 || (parts.at(1) != QLatin1String("HELP") && parts.at(1) != QLatin1String("TYPE")))
                return where + QStringLiteral("a comment that is neither HELP nor TYPE");
            const QString family = parts.at(2);
            if (family != current) {
                if (!current.isEmpty())
                    finished.insert(current);
                if (finished.contains(family))
                    return where + QStringLiteral("family %1 appears twice").arg(family);
                current = family;
            }
            if (parts.at(1) == QLatin1String("HELP")) {
                if (helped.contains(family))
                    return where + QStringLiteral("second HELP");
                if (parts.size() < 4 || line.section(QLatin1Char(' '), 3).trimmed().isEmpty())
                    return where + QStringLiteral("empty HELP");
                helped.insert(family);
            } else {
                if (types.contains(family))
                    return where + QStringLiteral("second TYPE");
                if (parts.size() != 4 || !QStringList { QStringLiteral("counter"), QStringLiteral("gauge"), QStringLiteral("histogram") }.contains(parts.at(3)))
                    return where + QStringLiteral("TYPE must be counter, gauge or histogram");
                types.insert(family, parts.at(3));
                if (parts.at(3) == QLatin1String("counter") && !family.endsWith(QLatin1String("_total")))
                    return where + QStringLiteral("a counter's name must end in _total");
                if (parts.at(3) != QLatin1String("counter") && family.endsWith(QLatin1String("_total")))
                    return where + QStringLiteral("only counters end in _total");
            }
            continue;
        }
        Sample sample;
        const QString problem = parseSample(line, &sample);
        if (!problem.isEmpty())
            return where + problem;
        if (current.isEmpty() || !types.contains(current) || !helped.contains(current))
            return where + QStringLiteral("a sample before its family's HELP and TYPE");
        if (!sample.name.startsWith(QLatin1String("terrafusion_")))
            return where + QStringLiteral("not a terrafusion_* name");
        const QString type = types.value(current);
        if (type == QLatin1String("histogram")) {
            const QString suffix = sample.name.mid(current.size());
            if (!sample.name.startsWith(current) || !QStringList { QStringLiteral("_bucket"), QStringLiteral("_sum"), QStringLiteral("_count") }.contains(suffix))
                return where + QStringLiteral("a histogram sample must be %1_bucket, _sum or _count").arg(current);
            QStringList key;
            for (const auto &label : sample.labels) {
                if (label.first != QLatin1String("le"))
                    key.append(label.first + QLatin1Char('=') + label.second);
            }
            const QString seriesKey = key.join(QLatin1Char(','));
            if (suffix == QLatin1String("_bucket")) {
                const QString le = labelValue(sample, QStringLiteral("le"));
                if (le.isEmpty())
                    return where + QStringLiteral("a bucket without le");
                if (sample.value < lastBucket.value(seriesKey, 0))
                    return where + QStringLiteral("bucket counts must be cumulative");
                lastBucket.insert(seriesKey, sample.value);
                if (le == QLatin1String("+Inf"))
                    sawInf.insert(seriesKey, true);
            } else if (!sawInf.value(seriesKey)) {
                return where + QStringLiteral("_sum/_count before the +Inf bucket");
            }
            if (suffix == QLatin1String("_count") && sample.value != lastBucket.value(seriesKey))
                return where + QStringLiteral("_count differs from the +Inf bucket");
        } else if (sample.name != current) {
            return where + QStringLiteral("sample of another family than %1").arg(current);
        }
        if (type == QLatin1String("counter") && (sample.value < 0 || std::isnan(sample.value)))
            return where + QStringLiteral("a counter below zero");
        // terrafusion_http_* keep the gateway's label set (service, method, route, status).
        const bool sharedRequestFamily = sample.name.startsWith(QLatin1String("terrafusion_http_"));
        for (const QString &required : requiredLabels) {
            if (!sharedRequestFamily && labelValue(sample, required).isEmpty())
                return where + QStringLiteral("no %1 label").arg(required);
        }
        if ((sample.name.startsWith(QLatin1String("terrafusion_pair_")) || sample.name.startsWith(QLatin1String("terrafusion_cdc_")))
            && (labelValue(sample, QStringLiteral("pair_id")).isEmpty() || labelValue(sample, QStringLiteral("pair")).isEmpty()))
            return where + QStringLiteral("a pair figure without pair_id and pair labels");
        QStringList identity { sample.name };
        for (const auto &label : sample.labels)
            identity.append(label.first + QLatin1Char('=') + label.second);
        const QString id = identity.join(QChar(0x1f));
        if (series.contains(id))
            return where + QStringLiteral("the same series twice");
        series.insert(id);
    }
    for (auto it = types.cbegin(); it != types.cend(); ++it) {
        if (!helped.contains(it.key()))
            return QStringLiteral("family %1 has no HELP").arg(it.key());
    }
    for (const QString &family : std::as_const(helped)) {
        if (!types.contains(family))
            return QStringLiteral("family %1 has no TYPE").arg(family);
    }
    return {};
}

std::optional<QString> promtoolProblem(const QByteArray &text)
{
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (promtool.isEmpty())
        return std::nullopt;
    QProcess check;
    check.setProcessChannelMode(QProcess::MergedChannels);
    check.start(promtool, { QStringLiteral("check"), QStringLiteral("metrics") });
    if (!check.waitForStarted())
        return QStringLiteral("promtool did not start");
    check.write(text);
    check.closeWriteChannel();
    if (!check.waitForFinished(30000))
        return QStringLiteral("promtool did not finish in 30 s");
    const QByteArray output = check.readAll();
    if (check.exitStatus() != QProcess::NormalExit || check.exitCode() != 0 || !output.trimmed().isEmpty())
        return QStringLiteral("promtool check metrics: ") + QString::fromUtf8(output);
    return QString();
}

} // namespace tf::test
