#include "metricsrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kColumns = QStringLiteral("metric, value, labels, created_at, node");
} // namespace

QJsonObject MetricSample::toJson() const
{
    return { { QStringLiteral("metric"), metric },
             { QStringLiteral("value"), value },
             { QStringLiteral("labels"), labels },
             { QStringLiteral("timestamp"), rows::isoOrNull(at) },
             { QStringLiteral("node"), node } };
}

MetricSample MetricsRepository::read(const QSqlQuery &query) const
{
    MetricSample sample;
    sample.metric = query.value(0).toString();
    sample.value = query.value(1).toDouble();
    sample.labels = rows::jsonObject(query.value(2));
    sample.at = m_database.dialect().fromDb(query.value(3));
    sample.node = query.value(4).toString();
    return sample;
}

void MetricsRepository::insert(const QString &node, const QList<MetricSample> &samples)
{
    if (samples.isEmpty())
        return;
    const Dialect &dialect = m_database.dialect();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Transaction transaction(m_database);
    {
        QSqlQuery query
            = m_database.prepare(QStringLiteral("INSERT INTO system_metrics (created_at, node, "
                                                "metric, value, labels) VALUES (?, ?, ?, ?, ?)"));
        for (const MetricSample &sample : samples) {
            query.bindValue(0, dialect.toDb(sample.at.isValid() ? sample.at : now));
            query.bindValue(1, rows::nonNull(node));
            query.bindValue(2, sample.metric);
            query.bindValue(3, sample.value);
            query.bindValue(4, rows::jsonText(sample.labels));
            m_database.exec(query, "inserting metrics");
        }
    }
    transaction.commit();
}

std::optional<MetricSample> MetricsRepository::latest(const QString &metric) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(
            " FROM system_metrics WHERE metric = ? ORDER BY created_at DESC, id DESC LIMIT 1"));
    query.addBindValue(metric);
    m_database.exec(query, "reading the latest metric");
    if (!query.next())
        return std::nullopt;
    return read(query);
}

QList<MetricSample> MetricsRepository::series(const QString &metric, const QDateTime &from,
                                              const QDateTime &to) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(
            " FROM system_metrics WHERE metric = ? AND created_at >= ? AND created_at <= ? "
            "ORDER BY created_at, id"));
    query.addBindValue(metric);
    query.addBindValue(m_database.dialect().toDb(from));
    query.addBindValue(m_database.dialect().toDb(to));
    m_database.exec(query, "reading a metric series");
    QList<MetricSample> samples;
    while (query.next())
        samples.append(read(query));
    return samples;
}

} // namespace tf::db
