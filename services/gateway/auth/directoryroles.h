#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace tf::gateway::directory {

// One line of the group-to-role map ([ldap] admin_groups, operator_groups, ...; "|" between groups): a group as
// the administrator wrote it, and the role it gives.
struct GroupRule
{
    QString group; // "CN=TF-Admins,OU=Groups,DC=county,DC=gov", "CN=TF-Admins" or "Staff"
    QString role;  // admin, operator, auditor, viewer
};

// RFC 4515 section 3: the value of an assertion in a search filter, with '*', '(', ')', '\'
// and NUL (and every other control character) written as \XX, so a user name such as
// "*)(uid=*" matches only an entry whose attribute is literally that text.
QString escapeFilterValue(const QString &value);

// The search filter for a sign-in: every "%s" of the template is the escaped user name,
// every "%d" the escaped distinguished name (for group searches), "%%" a single '%'.
QString fillFilter(const QString &filterTemplate, const QString &username, const QString &dn = {});

// Whether a group DN of the directory is the group a rule names, ignoring case and the
// spaces around ',' and '=': a full DN (with a comma) must be equal; "CN=Name" matches the
// first RDN of the DN; a bare "Name" matches the first RDN's value (the CN).
bool groupMatches(const QString &rule, const QString &groupDn);

// The highest role the groups give (admin > operator > auditor > viewer), or nothing when no
// group is in the map: such a user is refused.
std::optional<QString> roleForGroups(const QStringList &groupDns, const QList<GroupRule> &rules);

} // namespace tf::gateway::directory
