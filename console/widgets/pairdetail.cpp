#include "pairdetail.h"

#include "client/gatewayclient.h"
#include "dialogs/paireditordialog.h"
#include "models/operationsmodel.h"
#include "settings/displaysettings.h"
#include "widgets/sparkline.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QTableView>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace tf::console {

PairDetail::PairDetail(GatewayClient *client, std::function<QString(qint64)> systemName, QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
    , m_client(client)
    , m_systemName(std::move(systemName))
    , m_operations(new OperationsModel(this))
    , m_definition(new QLabel(this))
    , m_operationsTable(new QTableView(this))
    , m_throughput(new Sparkline(m_operations, OperationsModel::RowsPerSecondColumn, OperationsModel::FinishedColumn, this))
{
    const auto formatter = [](const QDateTime &when) { return DisplaySettings::instance()->formatDateTime(when); };
    m_operations->setTimeFormatter(formatter);
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this,
            [this, formatter] { m_operations->setTimeFormatter(formatter); });

    m_definition->setObjectName(QStringLiteral("pairDefinition"));
    m_definition->setAccessibleName(tr("Pair definition"));
    m_definition->setTextFormat(Qt::RichText);
    m_definition->setWordWrap(true);
    m_definition->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_definition->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_definition->setMargin(6);
    m_definition->setText(tr("Select a pair to see its definition and recent operations."));
    m_operationsTable->setObjectName(QStringLiteral("recentOperations"));
    m_operationsTable->setAccessibleName(tr("Recent operations"));
    m_operationsTable->setModel(m_operations);
    m_operationsTable->verticalHeader()->hide();
    m_operationsTable->horizontalHeader()->setStretchLastSection(true);
    m_operationsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (int column : { int(OperationsModel::PairColumn), int(OperationsModel::NodeColumn),
                        int(OperationsModel::StartedColumn), int(OperationsModel::RowsPerSecondColumn) })
        m_operationsTable->setColumnHidden(column, true);

    // Rows/s of the same operations the table lists, oldest on the left.
    m_throughput->setObjectName(QStringLiteral("pairThroughput"));
    m_throughput->setAccessibleName(tr("Throughput of recent operations, rows per second"));
    m_throughput->setUnit(tr("rows/s"));
    auto *caption = new QLabel(tr("Throughput (rows/s per operation):"), this);
    auto *operations = new QWidget(this);
    auto *column = new QVBoxLayout(operations);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(caption);
    column->addWidget(m_throughput);
    column->addWidget(m_operationsTable, 1);

    setObjectName(QStringLiteral("pairDetail"));
    addWidget(m_definition);
    addWidget(operations);
    setStretchFactor(0, 2);
    setStretchFactor(1, 3);
}

void PairDetail::showNone(int selected)
{
    m_shownPair = -1;
    m_definition->setText(selected == 0 ? tr("Select a pair to see its definition and recent operations.")
                                        : tr("%n pairs selected.", nullptr, selected));
    m_operations->applyItems({});
}

void PairDetail::showPair(qint64 id, const QJsonObject &pair)
{
    if (id != m_shownPair)
        m_operations->applyItems({});
    m_shownPair = id;
    const QJsonObject definition = pair.value(QLatin1String("definition")).toObject();
    const auto esc = [](const QString &text) { return text.toHtmlEscaped(); };
    QString html = QStringLiteral("<b>%1</b>").arg(esc(pair.value(QLatin1String("name")).toString()));
    const QString description = pair.value(QLatin1String("description")).toString();
    if (!description.isEmpty())
        html += QStringLiteral("<br><i>%1</i>").arg(esc(description));
    html += QStringLiteral("<br>") + tr("%1 → %2").arg(esc(m_systemName(pair.value(QLatin1String("source_system_id")).toInteger())),
                                                      esc(m_systemName(pair.value(QLatin1String("target_system_id")).toInteger())));
    html += QStringLiteral("<br>") + tr("Mode %1, schedule %2, batch size %3, invalid rows: %4")
                                             .arg(esc(definition.value(QLatin1String("mode")).toString(QStringLiteral("hash"))),
                                                  esc(pair.value(QLatin1String("schedule")).toString(tr("none"))),
                                                  definition.value(QLatin1String("batch_size")).isDouble()
                                                          ? QString::number(definition.value(QLatin1String("batch_size")).toInteger())
                                                          : tr("default"),
                                                  esc(definition.value(QLatin1String("invalid_rows")).toString(QStringLiteral("quarantine"))));
    for (const QJsonValue &value : definition.value(QLatin1String("entities")).toArray()) {
        const QJsonObject entity = value.toObject();
        const QJsonObject source = entity.value(QLatin1String("source")).toObject();
        const QJsonObject target = entity.value(QLatin1String("target")).toObject();
        html += QStringLiteral("<br><br>") + tr("Entity <b>%1</b>: %2 → %3").arg(esc(entity.value(QLatin1String("name")).toString()),
                                                                             esc(source.value(QLatin1String("entity")).toString()),
                                                                             esc(target.value(QLatin1String("entity")).toString()));
        html += QStringLiteral("<table cellspacing=0 cellpadding=4><tr><th align=left>%1</th><th align=left>%2</th><th align=left>%3</th></tr>")
                        .arg(tr("Target"), tr("Source"), tr("Transform"));
        for (const QJsonValue &fieldValue : entity.value(QLatin1String("mapping")).toObject().value(QLatin1String("fields")).toArray()) {
            const QJsonObject field = fieldValue.toObject();
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                            .arg(esc(field.value(QLatin1String("target")).toString()), esc(field.value(QLatin1String("source")).toString()),
                                 esc(PairEditorDialog::transformText(field.value(QLatin1String("transform")).toArray())));
        }
        html += QStringLiteral("</table>");
    }
    m_definition->setText(html);
    emit shown(id);

    QUrlQuery query;
    query.addQueryItem(QStringLiteral("pair_id"), QString::number(id));
    query.addQueryItem(QStringLiteral("limit"), QString::number(RecentOperations));
    m_client->get(QStringLiteral("/api/sync-operations"), query, this, [this, id](const ApiResult &result) {
        if (id != m_shownPair || !result.ok())
            return;
        m_operations->applyItems(result.object().value(QLatin1String("items")).toArray());
        m_operationsTable->resizeColumnsToContents();
    });
}

} // namespace tf::console
