#include "systementitiesdialog.h"

#include "client/gatewayclient.h"
#include "widgets/problemtext.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tf::console {

SystemEntitiesDialog::SystemEntitiesDialog(GatewayClient *client, qint64 systemId, const QString &systemName,
                                           QWidget *parent)
    : QDialog(parent)
    , m_tree(new QTreeWidget(this))
    , m_status(new QLabel(tr("Reading the entities of %1…").arg(systemName), this))
{
    setObjectName(QStringLiteral("systemEntities"));
    setWindowTitle(tr("Entities of %1").arg(systemName));
    m_tree->setObjectName(QStringLiteral("entitiesTree"));
    m_tree->setAccessibleName(tr("Entities"));
    m_tree->setHeaderLabels({ tr("Entity / column"), tr("Type / key"), tr("Nullable") });
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_status->setObjectName(QStringLiteral("entitiesStatus"));
    m_status->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(620, 460);

    client->list(QStringLiteral("/api/systems/%1/entities").arg(systemId), {}, this,
                 [this](const QJsonArray &items, const ApiResult &last) {
                     if (!last.ok()) {
                         showMessage(m_status, tr("The entities could not be read: %1").arg(last.error.message()), true);
                         emit loaded(false);
                         return;
                     }
                     for (const QJsonValue &value : items) {
                         const QJsonObject entity = value.toObject();
                         QStringList key;
                         for (const QJsonValue &column : entity.value(QLatin1String("key")).toArray())
                             key << column.toString();
                         auto *item = new QTreeWidgetItem(m_tree, { entity.value(QLatin1String("name")).toString(),
                                                                   tr("key: %1").arg(key.join(QStringLiteral(", "))) });
                         for (const QJsonValue &columnValue : entity.value(QLatin1String("columns")).toArray()) {
                             const QJsonObject column = columnValue.toObject();
                             new QTreeWidgetItem(item, { column.value(QLatin1String("name")).toString(),
                                                         column.value(QLatin1String("type")).toString(),
                                                         column.value(QLatin1String("nullable")).toBool() ? tr("yes") : tr("no") });
                         }
                     }
                     if (m_tree->topLevelItemCount() == 1)
                         m_tree->expandAll();
                     showMessage(m_status, tr("%n entity(ies).", nullptr, int(items.size())), false);
                     emit loaded(true);
                 });
}

QString SystemEntitiesDialog::statusText() const
{
    return m_status->text();
}

} // namespace tf::console
