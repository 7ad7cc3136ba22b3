#pragma once

#include "directorysettings.h"

#include <QString>
#include <QStringList>

namespace tf::gateway {

// What the directory said about one sign-in.
struct DirectoryAnswer
{
    enum class Outcome {
        SignedIn,       // the password is right and a mapped group gives `role`
        NoMappedGroup,  // the password is right, but no group of the user is in the map
        WrongPassword,  // the directory refused the password (also: account disabled or locked)
        UnknownUser,    // no entry matches the filter (also: the account was removed)
        Ambiguous,      // more than one entry matches: refused rather than guessed
        Unavailable,    // the directory could not be reached or failed; `problem` says how
    };
    Outcome outcome = Outcome::Unavailable;
    QString dn;
    QStringList groups; // DNs of the user's groups
    QString role;       // with SignedIn
    QString problem;    // with Unavailable: the LDAP error (never a password)
};

// Checks a user name and password against the LDAP/Active Directory server of [ldap] with
// OpenLDAP's libldap: binds as the service account, finds the one entry the user filter
// matches, reads its groups (memberOf, or a search under group_base), then binds as that
// entry with the password. Blocking, with the configured timeouts; call it on a worker thread
// (AuthContext::offload), never on the HTTP thread. A connection per call: nothing is shared
// between threads.
class LdapDirectory final
{
public:
    explicit LdapDirectory(DirectorySettings settings);

    DirectoryAnswer signIn(const QString &username, const QString &password) const;

private:
    DirectorySettings m_settings;
};

} // namespace tf::gateway
