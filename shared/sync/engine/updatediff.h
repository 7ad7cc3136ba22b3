#pragma once

#include "entityplan.h"

#include <QHash>
#include <QJsonObject>

namespace tf::sync {

class ResilientCall;

// A dry run's update, field by field: the target's current value (before) and the value the
// run would write (after) of each mapped column whose values differ, both formatted as
// rowToJson formats the rest of the change set (exact: no rounding).
struct UpdateDiff
{
    QJsonObject before;
    QJsonObject after;
};

// Reads the target's current rows for these mapped rows (plan.targetSchema order) with one
// readByKeys per call, and compares them. Keyed by target key text; a row the target does not
// hold has no entry. Empty when the target cannot be read back (it is not a SourceConnector).
QHash<QString, UpdateDiff> diffAgainstTarget(const EntityPlan &plan, TargetConnector &target,
                                             ResilientCall &targetCalls, const QList<Row> &rows);

} // namespace tf::sync
