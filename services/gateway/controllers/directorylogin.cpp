// POST /api/auth/login for a directory account ([ldap]): the directory checks the password on
// a worker thread; the answer is banned, refused, logged and audited like a local sign-in.
#include "authcontroller.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "gateway/auth/authcontext.h"
#include "gateway/auth/authlogging.h"
#include "gateway/auth/signinsteps.h"

namespace tf::gateway {

void AuthController::loginThroughDirectory(const http::ApiRequest &request,
                                           const http::Router::Reply &reply,
                                           const QString &username, const QString &password,
                                           const std::optional<db::UserRecord> &user)
{
    const LdapDirectory *directory = m_auth.directory();
    const QString address = request.caller.address.toString();
    m_auth.offloadToDirectory<DirectoryAnswer>(
        [directory, username, password] { return directory->signIn(username, password); },
        [this, request, reply, username, address, user](DirectoryAnswer result) {
            signin::answer(request, reply, [&] {
                if (const auto banned = signin::banInForce(m_auth, request, username, address))
                    return *banned;
                using Outcome = DirectoryAnswer::Outcome;
                switch (result.outcome) {
                case Outcome::Unavailable:
                    // Not the user's fault: no failure counted, and a 503 so the console says
                    // what is wrong. The LDAP error goes to the log, not to the caller.
                    signin::refuse(m_auth, request, username, user,
                                   { QStringLiteral("directory unavailable: ") + result.problem, false,
                                     Error(Error::Kind::Unavailable, QStringLiteral("directory_unavailable"),
                                           QStringLiteral("the directory server ([ldap] url) cannot be "
                                                          "reached; try again later or sign in with a "
                                                          "local account"),
                                           {}) });
                case Outcome::UnknownUser:
                    signin::refuse(m_auth, request, username, user,
                                   { user ? QStringLiteral("no longer in the directory")
                                          : QStringLiteral("unknown user") });
                case Outcome::Ambiguous:
                    signin::refuse(m_auth, request, username, user,
                                   { QStringLiteral("more than one directory entry matches") });
                case Outcome::WrongPassword:
                    signin::refuse(m_auth, request, username, user,
                                   { QStringLiteral("wrong password (directory)") });
                case Outcome::NoMappedGroup:
                    // The password was right: say why, and do not count it towards a ban.
                    signin::refuse(
                        m_auth, request, username, user,
                        { QStringLiteral("in no directory group that gives a role"), false,
                          Error(Error::Kind::Forbidden,
                                QStringLiteral("'%1' is in no directory group that gives a "
                                               "TerraFusion role; ask an administrator")
                                    .arg(username)) });
                case Outcome::SignedIn:
                    break;
                }
                db::Database &database = m_auth.database().database().database();
                std::optional<db::UserRecord> signedIn;
                try {
                    signedIn = db::UserRepository(database).upsertDirectoryUser(username, result.role);
                } catch (const Error &error) {
                    if (error.kind() != Error::Kind::Conflict)
                        throw;
                    // A local account of that name was created meanwhile: it wins.
                    signin::refuse(m_auth, request, username, user,
                                   { QStringLiteral("a local account holds the name") });
                }
                if (signedIn->disabled)
                    signin::refuse(m_auth, request, username, signedIn,
                                   { QStringLiteral("account disabled") });
                if (user && user->role != signedIn->role) {
                    qCInfo(lcGatewayAuth).noquote() << "directory user" << username << "role"
                                                    << user->role << "->" << signedIn->role;
                }
                return signin::openSession(m_auth, request, *signedIn,
                                           QStringLiteral("through the directory"));
            });
        });
}

} // namespace tf::gateway
