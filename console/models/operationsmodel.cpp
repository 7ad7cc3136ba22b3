#include "operationsmodel.h"

#include "durationtext.h"

#include <algorithm>

namespace tf::console {

namespace {

std::optional<double> progressOf(const QJsonObject &operation)
{
    const QJsonValue progress = operation.value(QLatin1String("progress"));
    if (!progress.isDouble())
        return std::nullopt;
    return std::clamp(progress.toDouble(), 0.0, 1.0);
}

QString errorMessage(const QJsonObject &operation)
{
    return operation.value(QLatin1String("error"))
        .toObject()
        .value(QLatin1String("message"))
        .toString();
}

} // namespace

std::optional<double> OperationsModel::rowsPerSecond(const QJsonObject &operation)
{
    const QJsonObject statistics = operation.value(QLatin1String("statistics")).toObject();
    if (const QJsonValue rate = statistics.value(QLatin1String("rows_per_second")); rate.isDouble())
        return rate.toDouble();
    const QJsonValue read
        = statistics.value(QLatin1String("totals")).toObject().value(QLatin1String("read"));
    const QJsonValue duration = operation.value(QLatin1String("duration_ms"));
    if (!read.isDouble() || !duration.isDouble() || duration.toDouble() <= 0)
        return std::nullopt;
    return read.toDouble() * 1000.0 / duration.toDouble();
}

QString OperationsModel::etaText(const QJsonObject &operation)
{
    const QJsonValue eta = operation.value(QLatin1String("eta_s"));
    if (!eta.isDouble() || operation.value(QLatin1String("status")).toString() != QLatin1String("running"))
        return {};
    // Whole seconds: an estimate has no tenths to show.
    const qint64 seconds = qint64(eta.toDouble());
    if (seconds < 1)
        return tr("< 1 s");
    return seconds < 60 ? tr("%1 s").arg(seconds) : durationText(seconds * 1000);
}

OperationsModel::OperationsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[IdColumn] = numberColumn(tr("ID"), QStringLiteral("id"));
    columns[PairColumn] = numberColumn(tr("Pair"), QStringLiteral("pair_id"));
    columns[KindColumn] = fieldColumn(tr("Kind"), QStringLiteral("kind"));
    columns[KindColumn].toolTip = [](const QJsonObject &operation) -> QVariant {
        if (operation.value(QLatin1String("dry_run")).toBool())
            return tr("dry run");
        return {};
    };
    columns[StatusColumn] = fieldColumn(tr("Status"), QStringLiteral("status"));

    auto &progress = columns[ProgressColumn];
    progress.header = tr("Progress");
    progress.alignment = Qt::AlignRight | Qt::AlignVCenter;
    progress.display = [](const QJsonObject &operation) -> QVariant {
        const auto value = progressOf(operation);
        return value ? QVariant(tr("%1 %").arg(qRound(*value * 100))) : QVariant();
    };
    progress.sortValue = [](const QJsonObject &operation) -> QVariant {
        const auto value = progressOf(operation);
        return value ? QVariant(*value) : QVariant();
    };
    progress.roles.insert(ProgressRole, progress.sortValue);

    auto &eta = columns[EtaColumn];
    eta.header = tr("ETA");
    eta.alignment = Qt::AlignRight | Qt::AlignVCenter;
    eta.display = [](const QJsonObject &operation) -> QVariant {
        const QString text = etaText(operation);
        return text.isEmpty() ? QVariant() : QVariant(text);
    };
    eta.sortValue = [](const QJsonObject &operation) -> QVariant {
        const QJsonValue value = operation.value(QLatin1String("eta_s"));
        return value.isDouble() ? QVariant(value.toDouble()) : QVariant();
    };
    eta.toolTip = [](const QJsonObject &operation) -> QVariant {
        if (etaText(operation).isEmpty())
            return {};
        return tr("Time left at the rate so far (an estimate: the row counts it rests on come from statistics)");
    };

    auto &rate = columns[RowsPerSecondColumn];
    rate.header = tr("Rows/s");
    rate.alignment = Qt::AlignRight | Qt::AlignVCenter;
    rate.display = [](const QJsonObject &operation) -> QVariant {
        const auto value = rowsPerSecond(operation);
        if (!value)
            return {};
        return QString::number(*value, 'f', *value < 10 ? 1 : 0);
    };
    rate.sortValue = [](const QJsonObject &operation) -> QVariant {
        const auto value = rowsPerSecond(operation);
        return value ? QVariant(*value) : QVariant();
    };

    columns[NodeColumn] = fieldColumn(tr("Node"), QStringLiteral("node_id"));
    columns[AttemptColumn] = numberColumn(tr("Attempt"), QStringLiteral("attempt"));
    columns[CreatedColumn] = timeColumn(tr("Created"), QStringLiteral("created_at"));
    columns[StartedColumn] = timeColumn(tr("Started"), QStringLiteral("started_at"));
    columns[FinishedColumn] = timeColumn(tr("Finished"), QStringLiteral("finished_at"));
    columns[MessageColumn] = fieldColumn(tr("Message"), QStringLiteral("message"));
    columns[MessageColumn].toolTip = columns[MessageColumn].display;

    auto &error = columns[ErrorColumn];
    error.header = tr("Error");
    error.display = [](const QJsonObject &operation) -> QVariant {
        const QString message = errorMessage(operation);
        return message.isEmpty() ? QVariant() : QVariant(message);
    };
    error.toolTip = [](const QJsonObject &operation) -> QVariant {
        const QString code = operation.value(QLatin1String("error"))
                                 .toObject()
                                 .value(QLatin1String("code"))
                                 .toString();
        if (code.isEmpty())
            return {};
        return QStringLiteral("%1: %2").arg(code, errorMessage(operation));
    };
    setColumns(std::move(columns));
}

} // namespace tf::console
