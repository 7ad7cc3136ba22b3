#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace tf::db {

struct MetricSample
{
    QString metric;
    double value = 0.0;
    QJsonObject labels;
    QDateTime at; // set to now by insert() when invalid
    QString node; // filled when read back

    QJsonObject toJson() const;
};

// The `system_metrics` table: time series written by the metrics collector.
class MetricsRepository final
{
    Q_DISABLE_COPY_MOVE(MetricsRepository)
public:
    explicit MetricsRepository(Database &database)
        : m_database(database)
    { }

    // All samples in one transaction (one fsync, and readers never see half a scrape).
    void insert(const QString &node, const QList<MetricSample> &samples);
    std::optional<MetricSample> latest(const QString &metric) const;
    // Samples with from <= at <= to, oldest first.
    QList<MetricSample> series(const QString &metric, const QDateTime &from,
                               const QDateTime &to) const;

private:
    MetricSample read(const QSqlQuery &query) const;

    Database &m_database;
};

} // namespace tf::db
