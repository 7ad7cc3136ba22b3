#include "tokenspanel.h"

#include "client/gatewayclient.h"
#include "confirmation.h"
#include "dialogs/createtokendialog.h"
#include "dialogs/tokensecretdialog.h"
#include "models/tokensmodel.h"

#include <QAction>
#include <QLabel>
#include <QTableView>

namespace tf::console {

TokensPanel::TokensPanel(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : ResourcePanel(client, permissions, new TokensModel, QStringLiteral("/api/tokens"),
                    QStringLiteral("tokens:read"), parent)
    , m_create(new QAction(tr("New &Token…"), this))
    , m_revoke(new QAction(tr("Re&voke…"), this))
{
    setObjectName(QStringLiteral("tokensPanel"));
    table()->setObjectName(QStringLiteral("tokensTable"));
    table()->setAccessibleName(tr("API tokens"));
    message()->setObjectName(QStringLiteral("tokensMessage"));
    m_create->setObjectName(QStringLiteral("newToken"));
    m_create->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_create->setToolTip(tr("Create an API token for a program (Ctrl+T)"));
    m_revoke->setObjectName(QStringLiteral("revokeToken"));
    m_revoke->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete));
    m_revoke->setToolTip(tr("Revoke the selected token (Ctrl+Shift+Del)"));
    connect(m_create, &QAction::triggered, this, &TokensPanel::createToken);
    connect(m_revoke, &QAction::triggered, this, &TokensPanel::revokeToken);
    addButton(m_create, QStringLiteral("newTokenButton"));
    addButton(m_revoke, QStringLiteral("revokeTokenButton"));
    bindWrite(m_create, QStringLiteral("tokens:write"), false);
    bindWrite(m_revoke, QStringLiteral("tokens:write"), true);
}

void TokensPanel::createToken()
{
    auto *dialog = new CreateTokenDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FormDialog::submitted, this, [this, dialog] {
        dialog->setBusy(true);
        client()->post(path(), dialog->body(), dialog, [this, dialog](const ApiResult &result) {
            if (!result.ok()) {
                dialog->showError(result.error.message());
                report(result, QString(), tr("Creating the token"));
                return;
            }
            QJsonObject token = result.object();
            const QString secret = token.take(QStringLiteral("token")).toString();
            const QString name = token.value(QLatin1String("name")).toString();
            model()->upsert(token); // without its secret
            report(result, tr("Token %1 created.").arg(name), QString());
            dialog->accept();
            auto *shown = new TokenSecretDialog(name, secret, this);
            shown->setAttribute(Qt::WA_DeleteOnClose);
            shown->open();
        });
    });
    dialog->open();
}

void TokensPanel::revokeToken()
{
    const QJsonObject token = selected();
    if (token.isEmpty())
        return;
    const qint64 id = token.value(QLatin1String("id")).toInteger();
    const QString name = token.value(QLatin1String("name")).toString();
    confirm(
        this, tr("Revoke Token"),
        tr("Revoke the token %1? Programs using it are refused from now on; this cannot be undone.")
            .arg(name),
        tr("Revoke"), [this, id, name] {
            const QString what = tr("Revoking %1").arg(name);
            withEtag(id, what, [this, id, name, what](const QByteArray &etag) {
                client()->del(QStringLiteral("%1/%2").arg(path()).arg(id), etag, this,
                              [this, id, name, what](const ApiResult &result) {
                                  if (result.ok())
                                      model()->removeId(id); // the list shows active tokens only
                                  report(result, tr("Token %1 revoked.").arg(name), what);
                              });
            });
        });
}

} // namespace tf::console
