#include "schemachangedialog.h"

#include "client/gatewayclient.h"
#include "models/schemashapediff.h"
#include "widgets/confirmation.h"
#include "widgets/mappinggrid.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>
#include <utility>

namespace tf::console {

SchemaChangeDialog::SchemaChangeDialog(GatewayClient *client, qint64 pairId, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_pairId(pairId)
{
    setObjectName(QStringLiteral("schemaChangeDialog"));
    setWindowTitle(tr("Schema Change of Sync Pair %1").arg(pairId));
    auto *layout = new QVBoxLayout(this);

    m_heading = new QLabel(tr("Reading the held schema changes…"), this);
    m_heading->setObjectName(QStringLiteral("schemaChangeHeading"));
    m_heading->setWordWrap(true);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_heading);

    m_columns = new QTableWidget(0, 4, this);
    m_columns->setObjectName(QStringLiteral("schemaColumns"));
    m_columns->setHorizontalHeaderLabels({ tr("Column"), tr("Before"), tr("After"), tr("Change") });
    m_columns->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_columns->verticalHeader()->setVisible(false);
    m_columns->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_columns->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_columns->setMinimumHeight(140);
    layout->addWidget(m_columns, 1);

    m_mapping = new MappingGrid(this);
    m_mapping->setTitle(tr("Field mapping after approval"));
    layout->addWidget(m_mapping, 2);

    auto *row = new QHBoxLayout;
    m_mapNew = new QPushButton(tr("Map &New Columns"), this);
    m_mapNew->setObjectName(QStringLiteral("mapNewColumnsButton"));
    m_mapNew->setToolTip(tr("Add a mapping row (same name on both sides) for each added column not mapped yet"));
    row->addWidget(m_mapNew);
    row->addStretch(1);
    layout->addLayout(row);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("schemaChangeStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_approve = m_buttons->addButton(tr("&Approve"), QDialogButtonBox::AcceptRole);
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_approve->setToolTip(tr("Stream on from the held position with the mapping above: the table's changes before the "
                             "schema change keep the previous mapping"));
    m_reject = m_buttons->addButton(tr("&Reject…"), QDialogButtonBox::DestructiveRole);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_reject->setToolTip(tr("The pair stays stopped until it is re-snapshotted"));
    layout->addWidget(m_buttons);

    // The buttons' roles would close the dialog: each one is wired by hand.
    disconnect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_approve, &QPushButton::clicked, this, &SchemaChangeDialog::approve);
    connect(m_reject, &QPushButton::clicked, this, &SchemaChangeDialog::rejectChange);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_mapNew, &QPushButton::clicked, this, &SchemaChangeDialog::mapNewColumns);

    resize(760, 620);
    setBusy(true);
    reload();
}

QString SchemaChangeDialog::statusText() const
{
    return m_status->text();
}

QString SchemaChangeDialog::path(const QString &tail) const
{
    return QStringLiteral("/api/sync-pairs/%1%2").arg(m_pairId).arg(tail);
}

void SchemaChangeDialog::reload()
{
    setBusy(true);
    m_reads = 2; // the pair (definition and ETag) and its held changes, asked at once
    auto arrived = [this] {
        if (--m_reads == 0)
            showChange();
    };
    m_client->get(path(), this, [this, arrived](const ApiResult &result) {
        if (!result.ok()) {
            m_reads = -1;
            fail(tr("Could not read sync pair %1: %2").arg(m_pairId).arg(result.error.message()));
            return;
        }
        m_definition = result.object().value(QLatin1String("definition")).toObject();
        m_etag = result.etag();
        if (m_reads > 0)
            arrived();
    });
    m_client->get(path(QStringLiteral("/schema-changes")), this, [this, arrived](const ApiResult &result) {
        if (!result.ok()) {
            m_reads = -1;
            fail(tr("Could not read the held schema changes: %1").arg(result.error.message()));
            return;
        }
        m_pending = result.object().value(QLatin1String("items")).toArray();
        if (m_reads > 0)
            arrived();
    });
}

QJsonObject SchemaChangeDialog::entityOfTable(const QString &table) const
{
    for (const QJsonValue &value : m_definition.value(QLatin1String("entities")).toArray()) {
        const QJsonObject entity = value.toObject();
        const QString source = entity.value(QLatin1String("source")).toObject().value(QLatin1String("entity")).toString();
        if (!source.isEmpty() && (source == table || table.endsWith(QLatin1Char('.') + source)))
            return entity;
    }
    return {};
}

void SchemaChangeDialog::showChange()
{
    m_status->clear();
    const QString carried = std::exchange(m_carriedMessage, QString());
    m_columns->setRowCount(0);
    m_added.clear();
    m_dropped.clear();
    if (m_pending.isEmpty()) {
        m_changeId = 0;
        m_heading->setText(tr("No schema change is held for sync pair %1.").arg(m_pairId));
        m_mapping->setFields({});
        setBusy(false);
        m_approve->setEnabled(false);
        m_reject->setEnabled(false);
        m_mapNew->setEnabled(false);
        emit loaded();
        return;
    }
    const QJsonObject change = m_pending.first().toObject();
    m_changeId = change.value(QLatin1String("id")).toInteger();
    const QString table = change.value(QLatin1String("table")).toString();
    const QDateTime held = QDateTime::fromString(change.value(QLatin1String("held_at")).toString(), Qt::ISODateWithMs);
    m_heading->setText(tr("Schema change %1 on <b>%2</b> of sync pair %3 '%4', held %5 at position %6 (%7 of %8 held). "
                          "Streaming of this pair is stopped until it is decided.")
                           .arg(m_changeId)
                           .arg(table.toHtmlEscaped())
                           .arg(m_pairId)
                           .arg(m_definition.value(QLatin1String("name")).toString().toHtmlEscaped(),
                                held.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")),
                                change.value(QLatin1String("relation_lsn")).toString())
                           .arg(1)
                           .arg(m_pending.size()));

    const QList<ShapeColumnChange> diff = diffShapes(change.value(QLatin1String("old_shape")).toObject(),
                                                     change.value(QLatin1String("new_shape")).toObject());
    m_columns->setRowCount(int(diff.size()));
    for (int row = 0; row < diff.size(); ++row) {
        const ShapeColumnChange &column = diff.at(row);
        const QStringList cells { column.name, column.before, column.after, column.kindText() };
        for (int cell = 0; cell < cells.size(); ++cell) {
            auto *item = new QTableWidgetItem(cells.at(cell));
            if (column.kind != ShapeColumnChange::Kind::Unchanged) {
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
            }
            m_columns->setItem(row, cell, item);
        }
        if (column.kind == ShapeColumnChange::Kind::Added)
            m_added << column.name;
        else if (column.kind == ShapeColumnChange::Kind::Dropped)
            m_dropped << column.name;
    }

    m_entity = entityOfTable(table);
    m_mapping->setFields(m_entity.value(QLatin1String("mapping")).toObject().value(QLatin1String("fields")).toArray());
    const QJsonArray fields = m_mapping->fields();
    for (int row = 0; row < fields.size(); ++row) {
        if (m_dropped.contains(fields.at(row).toObject().value(QLatin1String("source")).toString()))
            m_mapping->markCell(row, QStringLiteral("source"), tr("This column was dropped from the source table"));
    }
    setBusy(false);
    if (m_entity.isEmpty())
        fail(tr("Sync pair %1 has no entity reading %2: approve without a mapping, or reject.").arg(m_pairId).arg(table));
    else if (!carried.isEmpty())
        showError(carried); // already reported by failed()
    emit loaded();
}

void SchemaChangeDialog::mapNewColumns()
{
    QSet<QString> mapped;
    for (const QJsonValue &field : m_mapping->fields())
        mapped.insert(field.toObject().value(QLatin1String("source")).toString());
    int added = 0;
    for (const QString &column : std::as_const(m_added)) {
        if (!mapped.contains(column)) {
            m_mapping->addRow(column, column);
            ++added;
        }
    }
    m_status->setText(added ? tr("%n new column(s) mapped to a target field of the same name.", nullptr, added)
                            : tr("Every added column is mapped already."));
}

void SchemaChangeDialog::approve()
{
    decide(QStringLiteral("approve"));
}

void SchemaChangeDialog::rejectChange()
{
    if (!m_changeId)
        return;
    confirm(this, tr("Reject Schema Change"),
            tr("Reject schema change %1? Sync pair %2 stays stopped until it is re-snapshotted.").arg(m_changeId).arg(m_pairId),
            tr("Reject"), [this] { decide(QStringLiteral("reject")); });
}

void SchemaChangeDialog::decide(const QString &verb)
{
    if (!m_changeId)
        return;
    QJsonObject body;
    QByteArray ifMatch;
    const QJsonArray fields = m_mapping->fields();
    const QJsonArray loadedFields = m_entity.value(QLatin1String("mapping")).toObject().value(QLatin1String("fields")).toArray();
    if (verb == QLatin1String("approve") && !m_entity.isEmpty() && fields != loadedFields) {
        QJsonObject entity = m_entity;
        QJsonObject mapping = entity.value(QLatin1String("mapping")).toObject();
        mapping.insert(QStringLiteral("fields"), fields);
        entity.insert(QStringLiteral("mapping"), mapping);
        body.insert(QStringLiteral("entity"), entity);
        ifMatch = m_etag;
    }
    setBusy(true);
    m_mapping->clearCellMarks();
    const qint64 changeId = m_changeId;
    const QString target = path(QStringLiteral("/schema-changes/%1/%2").arg(changeId).arg(verb));
    m_client->post(target, body, ifMatch, this, [this, changeId](const ApiResult &result) {
        if (!result.ok()) {
            setBusy(false);
            QString message = result.error.message();
            // A 422 names the fields: each is listed, and a mapping field is marked in the grid.
            static const QRegularExpression mappingField(QStringLiteral("mapping\\.fields\\[(\\d+)\\](?:\\.(\\w+))?"));
            for (const ApiFieldError &field : result.error.errors) {
                message += QStringLiteral("\n%1: %2").arg(field.field, field.message);
                const QRegularExpressionMatch match = mappingField.match(field.field);
                if (match.hasMatch())
                    m_mapping->markCell(match.captured(1).toInt(), match.captured(2), field.message);
            }
            if (result.status == 412)
                message = tr("The pair was changed meanwhile (%1). It is read again: check the mapping and decide again.")
                              .arg(message);
            fail(message);
            if (result.status == 412 || result.status == 409) {
                m_carriedMessage = message; // shown again once the pair is read anew
                reload();
            }
            return;
        }
        const QString status = result.object().value(QLatin1String("status")).toString();
        emit decided(changeId, status);
        m_client->get(path(QStringLiteral("/schema-changes")), this, [this, status](const ApiResult &left) {
            if (left.ok() && left.object().value(QLatin1String("items")).toArray().isEmpty()) {
                accept();
                return;
            }
            reload();
            m_status->setText(tr("The change was %1; the next one held is shown.").arg(status));
        });
    });
}

void SchemaChangeDialog::fail(const QString &message)
{
    setBusy(false);
    showError(message);
    emit failed(message);
}

void SchemaChangeDialog::showError(const QString &message)
{
    m_status->setText(QStringLiteral("<span style=\"color:#d32f2f\">%1</span>")
                          .arg(message.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
}

void SchemaChangeDialog::setBusy(bool busy)
{
    const bool decidable = !busy && m_changeId != 0;
    m_approve->setEnabled(decidable);
    m_reject->setEnabled(decidable);
    m_mapNew->setEnabled(decidable && !m_added.isEmpty());
    m_mapping->setEnabled(!busy);
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

} // namespace tf::console
