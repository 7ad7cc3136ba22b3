#pragma once

#include "health.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonDocument>
#include <QList>
#include <QString>

#include <optional>

namespace tf::console {

// The components of GET /api/status as a table: one row per component (gateway, syncd,
// database, then any others by name). Updates are incremental: a changed value emits
// dataChanged for its row, and rows are inserted or removed only when the set of
// components changes, so views keep their selection and scroll position across refreshes.
class StatusModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusModel)

public:
    enum Column { ComponentColumn, StatusColumn, LatencyColumn, DetailsColumn, ColumnCount };
    enum Role { HealthRole = Qt::UserRole + 1 }; // Health of the row, as int

    explicit StatusModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Takes one /api/status document. A malformed one changes no row and sets the error.
    bool applyStatus(const QJsonDocument &document);
    // The status could not be fetched. Rows keep their last known values; overall is unknown.
    void setError(const QString &message);

    Health overallHealth() const { return m_overall; }
    QString overallStatus() const { return healthToString(m_overall); }
    QString version() const { return m_version; }
    QDateTime serverTimestamp() const { return m_serverTimestamp; }
    QDateTime lastUpdated() const { return m_lastUpdated; }
    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    QString componentName(int row) const;

signals:
    // Overall health, version, timestamps or error changed (after the rows are updated).
    void summaryChanged();

private:
    struct Component
    {
        QString name;
        QString status;
        std::optional<double> latencyMs;
        QString details;
        QString error;

        bool operator==(const Component &other) const;
    };

    static std::optional<QList<Component>> parseComponents(const QJsonObject &components,
                                                          QString *problem);
    static bool ordersBefore(const QString &left, const QString &right);
    void mergeRows(const QList<Component> &next);

    QList<Component> m_rows;
    Health m_overall = Health::Unknown;
    QString m_version;
    QDateTime m_serverTimestamp;
    QDateTime m_lastUpdated;
    QString m_error;
};

} // namespace tf::console
