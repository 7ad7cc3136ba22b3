#include "mappingpreview.h"

#include "client/gatewayclient.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

QString cellText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("NULL");
    if (value.isString())
        return value.toString();
    const QString text
        = QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact));
    return text.mid(1, text.size() - 2);
}

} // namespace

MappingPreview::MappingPreview(GatewayClient *client, DefinitionSource definition, QWidget *parent)
    : QGroupBox(tr("Preview"), parent)
    , m_client(client)
    , m_definition(std::move(definition))
{
    setObjectName(QStringLiteral("mappingPreview"));
    m_testAction = new QAction(tr("&Test Pair"), this);
    m_testAction->setObjectName(QStringLiteral("testPairAction"));
    m_testAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_testAction->setShortcutContext(Qt::WindowShortcut);
    m_testAction->setToolTip(tr("Read the first source rows and show them mapped and validated, "
                                "as edited here (unsaved); nothing is written (%1)")
                                 .arg(m_testAction->shortcut().toString(QKeySequence::NativeText)));
    addAction(m_testAction);
    connect(m_testAction, &QAction::triggered, this, &MappingPreview::testPair);
    m_testButton = new QPushButton(m_testAction->text(), this);
    m_testButton->setObjectName(QStringLiteral("testPairButton"));
    m_testButton->setAccessibleName(tr("Test the pair as edited"));
    m_testButton->setToolTip(m_testAction->toolTip());
    connect(m_testButton, &QPushButton::clicked, m_testAction, &QAction::trigger);
    m_limit = new QSpinBox(this);
    m_limit->setObjectName(QStringLiteral("previewLimitSpin"));
    m_limit->setAccessibleName(tr("Rows to preview"));
    m_limit->setRange(1, 100);
    m_limit->setValue(20);
    m_limit->setSuffix(tr(" rows"));
    m_status
        = new QLabel(tr("Test the pair to see its first rows as the target would get them."), this);
    m_status->setObjectName(QStringLiteral("previewStatus"));
    m_status->setWordWrap(true);
    m_table = new QTableWidget(0, 0, this);
    m_table->setObjectName(QStringLiteral("previewTable"));
    m_table->setAccessibleName(tr("Preview of mapped rows"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *top = new QHBoxLayout;
    top->addWidget(m_testButton);
    top->addWidget(m_limit);
    top->addWidget(m_status, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
}

void MappingPreview::testPair()
{
    if (m_running)
        return;
    m_running = true;
    m_testAction->setEnabled(false);
    m_testButton->setEnabled(false);
    m_status->setText(tr("Reading the first rows…"));
    QJsonObject body = m_definition();
    body.insert(QStringLiteral("limit"), m_limit->value());
    m_client->post(
        QStringLiteral("/api/sync-pairs/preview"), body, this, [this](const ApiResult &result) {
            m_running = false;
            m_testAction->setEnabled(true);
            m_testButton->setEnabled(true);
            if (!result.ok()) {
                m_table->setRowCount(0);
                m_status->setText(
                    result.error.errors.isEmpty()
                        ? tr("✗ %1").arg(result.error.message())
                        : tr("✗ The definition does not fit: %n problem(s), marked on the form.",
                             nullptr, int(result.error.errors.size())));
                emit refused(result.error);
                return;
            }
            showRows(result.object());
            emit previewed(result.object());
        });
}

void MappingPreview::showRows(const QJsonObject &answer)
{
    const QJsonArray entities = answer.value(QLatin1String("entities")).toArray();
    QJsonObject entity = entities.isEmpty() ? QJsonObject() : entities.first().toObject();
    for (const QJsonValue &value : entities) {
        if (value[QLatin1String("name")].toString() == m_entity)
            entity = value.toObject();
    }
    QStringList columns;
    for (const QJsonValue &column : entity.value(QLatin1String("columns")).toArray())
        columns << column[QLatin1String("name")].toString();
    const QJsonArray rows = entity.value(QLatin1String("rows")).toArray();
    m_table->clear();
    m_table->setColumnCount(int(columns.size()) + 2);
    m_table->setHorizontalHeaderLabels(QStringList { tr("Source key") } + columns
                                       + QStringList { tr("Validation") });
    m_table->setRowCount(int(rows.size()));
    int invalid = 0;
    const QColor tint(0xd3, 0x2f, 0x2f, 70);
    for (int r = 0; r < rows.size(); ++r) {
        const QJsonObject row = rows.at(r).toObject();
        const QJsonObject values = row.value(QLatin1String("values")).toObject();
        const bool valid = row.value(QLatin1String("valid")).toBool();
        QStringList problems;
        for (const QJsonValue &error : row.value(QLatin1String("errors")).toArray())
            problems << QStringLiteral("%1: %2").arg(error[QLatin1String("field")].toString(),
                                                     error[QLatin1String("message")].toString());
        QStringList cells { row.value(QLatin1String("source_key")).toString() };
        for (const QString &column : std::as_const(columns))
            cells << cellText(values.value(column));
        cells << (valid ? tr("✓ valid") : tr("✗ %1").arg(problems.join(QStringLiteral("; "))));
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            if (!valid) {
                item->setBackground(tint);
                item->setToolTip(problems.join(QLatin1Char('\n')));
            }
            m_table->setItem(r, c, item);
        }
        invalid += valid ? 0 : 1;
    }
    m_table->resizeColumnsToContents();
    m_status->setText(tr("%n row(s) of %1 → %2", nullptr, int(rows.size()))
                          .arg(entity.value(QLatin1String("source_entity")).toString(),
                               entity.value(QLatin1String("target_entity")).toString())
                      + tr(", %n invalid", nullptr, invalid) + tr(" (nothing written)"));
}

} // namespace tf::console
