#pragma once

#include "resourcetablemodel.h"

#include <QHash>

namespace tf::console {

// The systems (GET /api/systems items): name, kind (its label), where it points (never a
// secret), the sync pairs that use it (from GET /api/sync-pairs) and the result of the last
// connection test run from this console. Rows are updated in place by id like every resource
// table: a refresh keeps selection, scroll and sort.
class SystemsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SystemsModel)

public:
    enum Column { NameColumn, KindColumn, WhereColumn, PairsColumn, TestColumn, ColumnCount };
    enum Role { KindRole = UserRoleBase, PairNamesRole };

    explicit SystemsModel(QObject *parent = nullptr);

    // The systems and the pairs (for "used by"), both whole lists.
    void applySystems(const QJsonArray &systems, const QJsonArray &pairs);
    // The answer of POST /api/systems/<id>/test, or "testing" while it runs (empty result).
    void setTesting(qint64 id);
    void setTestResult(qint64 id, const QJsonObject &result, const QString &failure = {});
    // "parcels (#12)", one per pair using the system.
    QStringList pairNamesOf(qint64 id) const;
    QString nameOf(qint64 id) const;

private:
    QJsonObject decorated(QJsonObject system) const;

    QHash<qint64, QStringList> m_pairs; // system id -> pairs using it
    QHash<qint64, QJsonObject> m_tests; // system id -> {"state": testing|ok|failed, "text": ...}
};

} // namespace tf::console
