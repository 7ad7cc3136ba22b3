#include "userspanel.h"

#include "client/gatewayclient.h"
#include "confirmation.h"
#include "dialogs/createuserdialog.h"
#include "dialogs/resetpassworddialog.h"
#include "models/usersmodel.h"

#include <QAction>
#include <QInputDialog>
#include <QLabel>
#include <QTableView>

namespace tf::console {

namespace {
QString nameOf(const QJsonObject &user)
{
    return user.value(QLatin1String("username")).toString();
}
qint64 idOf(const QJsonObject &user)
{
    return user.value(QLatin1String("id")).toInteger();
}
} // namespace

UsersPanel::UsersPanel(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : ResourcePanel(client, permissions, new UsersModel, QStringLiteral("/api/users"),
                    QStringLiteral("users:read"), parent)
    , m_create(new QAction(tr("&New User…"), this))
    , m_role(new QAction(tr("Change &Role…"), this))
    , m_disable(new QAction(tr("&Disable"), this))
    , m_reset(new QAction(tr("Reset &Password…"), this))
    , m_delete(new QAction(tr("De&lete…"), this))
{
    setObjectName(QStringLiteral("usersPanel"));
    table()->setObjectName(QStringLiteral("usersTable"));
    table()->setAccessibleName(tr("Users"));
    message()->setObjectName(QStringLiteral("usersMessage"));
    struct Spec
    {
        QAction *action;
        const char *name;
        QKeySequence shortcut;
        QString tip;
        bool needsSelection;
        void (UsersPanel::*slot)();
    };
    for (const Spec &spec :
         { Spec { m_create, "newUser", QKeySequence(Qt::CTRL | Qt::Key_N),
                  tr("Create a user (Ctrl+N)"), false, &UsersPanel::createUser },
           Spec { m_role, "changeRole", QKeySequence(Qt::CTRL | Qt::Key_R),
                  tr("Change the selected user's role (Ctrl+R)"), true, &UsersPanel::changeRole },
           Spec { m_disable, "disableUser", QKeySequence(Qt::CTRL | Qt::Key_D),
                  tr("Disable or enable the selected user (Ctrl+D)"), true,
                  &UsersPanel::toggleDisabled },
           Spec { m_reset, "resetPassword", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                  tr("Give the selected user a new password (Ctrl+Shift+R)"), true,
                  &UsersPanel::resetPassword },
           Spec { m_delete, "deleteUser", QKeySequence(QKeySequence::Delete),
                  tr("Delete the selected user (Del)"), true, &UsersPanel::deleteUser } }) {
        spec.action->setObjectName(QLatin1String(spec.name));
        spec.action->setShortcut(spec.shortcut);
        spec.action->setToolTip(spec.tip);
        connect(spec.action, &QAction::triggered, this, spec.slot);
        addButton(spec.action, QLatin1String(spec.name) + QStringLiteral("Button"));
        bindWrite(spec.action, QStringLiteral("users:write"), spec.needsSelection);
    }
}

void UsersPanel::selectionChanged()
{
    const QJsonObject user = selected();
    m_disable->setText(user.value(QLatin1String("disabled")).toBool() ? tr("&Enable")
                                                                      : tr("&Disable"));
}

void UsersPanel::createUser()
{
    auto *dialog = new CreateUserDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FormDialog::submitted, this, [this, dialog] {
        dialog->setBusy(true);
        const QJsonObject body = dialog->body();
        client()->post(path(), body, dialog, [this, dialog](const ApiResult &result) {
            if (!result.ok()) {
                dialog->showError(result.error.message());
                report(result, QString(), tr("Creating the user"));
                return;
            }
            model()->upsert(result.object());
            select(result.object().value(QLatin1String("id")).toInteger());
            report(result, tr("User %1 created.").arg(nameOf(result.object())), QString());
            dialog->accept();
        });
    });
    dialog->open();
}

void UsersPanel::patchUser(const QJsonObject &user, const QJsonObject &change, const QString &done,
                           const QString &what)
{
    const qint64 id = idOf(user);
    withEtag(id, what, [this, id, change, done, what](const QByteArray &etag) {
        client()->patch(QStringLiteral("/api/users/%1").arg(id), change, etag, this,
                        [this, done, what](const ApiResult &result) {
                            if (result.ok())
                                model()->upsert(result.object());
                            report(result, done, what);
                        });
    });
}

void UsersPanel::changeRole()
{
    const QJsonObject user = selected();
    if (user.isEmpty())
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("roleDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Change Role"));
    dialog->setLabelText(tr("Role of %1:").arg(nameOf(user)));
    const QStringList roles { QStringLiteral("viewer"), QStringLiteral("auditor"),
                              QStringLiteral("operator"), QStringLiteral("admin") };
    dialog->setComboBoxItems(roles);
    dialog->setTextValue(user.value(QLatin1String("role")).toString());
    connect(dialog, &QInputDialog::textValueSelected, this, [this, user](const QString &role) {
        if (role == user.value(QLatin1String("role")).toString())
            return;
        patchUser(user, QJsonObject { { QStringLiteral("role"), role } },
                  tr("%1 is now %2.").arg(nameOf(user), role),
                  tr("Changing the role of %1").arg(nameOf(user)));
    });
    dialog->open();
}

void UsersPanel::toggleDisabled()
{
    const QJsonObject user = selected();
    if (user.isEmpty())
        return;
    const QString name = nameOf(user);
    if (user.value(QLatin1String("disabled")).toBool()) {
        patchUser(user, QJsonObject { { QStringLiteral("disabled"), false } },
                  tr("%1 enabled.").arg(name), tr("Enabling %1").arg(name));
        return;
    }
    confirm(
        this, tr("Disable User"),
        tr("Disable %1? Their sessions end at once and they cannot sign in until enabled again.")
            .arg(name),
        tr("Disable"), [this, user, name] {
            patchUser(user, QJsonObject { { QStringLiteral("disabled"), true } },
                      tr("%1 disabled.").arg(name), tr("Disabling %1").arg(name));
        });
}

void UsersPanel::resetPassword()
{
    const QJsonObject user = selected();
    if (user.isEmpty())
        return;
    const QString name = nameOf(user);
    auto *dialog = new ResetPasswordDialog(name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FormDialog::submitted, this, [this, dialog, user, name] {
        dialog->setBusy(true);
        client()->post(QStringLiteral("/api/users/%1/password").arg(idOf(user)), dialog->body(),
                       dialog, [this, dialog, name](const ApiResult &result) {
                           report(result, tr("%1 has a new password.").arg(name),
                                  tr("Resetting the password of %1").arg(name));
                           if (!result.ok()) {
                               dialog->showError(result.error.message());
                               return;
                           }
                           refresh(); // must_change_password may have changed
                           dialog->accept();
                       });
    });
    dialog->open();
}

void UsersPanel::deleteUser()
{
    const QJsonObject user = selected();
    if (user.isEmpty())
        return;
    const QString name = nameOf(user);
    const qint64 id = idOf(user);
    confirm(this, tr("Delete User"),
            tr("Delete %1? This cannot be undone; their sessions end.").arg(name), tr("Delete"),
            [this, id, name] {
                const QString what = tr("Deleting %1").arg(name);
                withEtag(id, what, [this, id, name, what](const QByteArray &etag) {
                    client()->del(QStringLiteral("/api/users/%1").arg(id), etag, this,
                                  [this, id, name, what](const ApiResult &result) {
                                      if (result.ok())
                                          model()->removeId(id);
                                      report(result, tr("%1 deleted.").arg(name), what);
                                  });
                });
            });
}

} // namespace tf::console
