#include "startsignin.h"

#include "mainwindow.h"
#include "models/session.h"

namespace tf::console {

void startSignIn(MainWindow &window, const QString &user, const QByteArray &token)
{
    Session *session = window.session();
    if (!token.isEmpty()) {
        window.useToken(token);
    } else if (session->hasRememberedSignIn() && (user.isEmpty() || user == session->rememberedUser())) {
        QObject::connect(session, &Session::rememberedSignInFailed, &window,
                         [&window](const QString &reason) { window.promptSignIn(reason); });
        session->resumeRememberedSignIn();
    } else {
        window.promptSignIn();
    }
}

} // namespace tf::console
