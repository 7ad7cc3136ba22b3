#pragma once

#include <QByteArray>
#include <QString>

namespace tf::console {

class MainWindow;

// How the console signs in when it starts: with the program token of --token-file; else with
// the token "Remember me" kept in the keychain for this gateway (silently; when it is refused
// or missing the sign-in dialog opens, saying why); else the sign-in dialog. user is --user:
// another user than the remembered one means the dialog.
void startSignIn(MainWindow &window, const QString &user, const QByteArray &token);

} // namespace tf::console
