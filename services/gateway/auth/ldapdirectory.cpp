#include "ldapdirectory.h"

#include <ldap.h>
#include <sys/time.h>

#include <memory>

namespace tf::gateway {

namespace {

using Outcome = DirectoryAnswer::Outcome;

struct LdapCloser
{
    void operator()(LDAP *ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
struct MessageFree
{
    void operator()(LDAPMessage *message) const { ldap_msgfree(message); }
};
using Connection = std::unique_ptr<LDAP, LdapCloser>;
using Messages = std::unique_ptr<LDAPMessage, MessageFree>;

// Thrown inside signIn() only; becomes an Unavailable answer.
struct Failure
{
    QString problem;
};

QString describe(const char *what, int code)
{
    return QStringLiteral("%1: %2 (LDAP result %3)")
        .arg(QLatin1String(what), QString::fromUtf8(ldap_err2string(code)))
        .arg(code);
}

void check(int code, const char *what)
{
    if (code != LDAP_SUCCESS)
        throw Failure { describe(what, code) };
}

int simpleBind(LDAP *ld, const QString &dn, const QByteArray &password)
{
    const QByteArray name = dn.toUtf8();
    berval credentials;
    credentials.bv_val = const_cast<char *>(password.constData());
    credentials.bv_len = ber_len_t(password.size());
    return ldap_sasl_bind_s(ld, name.isEmpty() ? nullptr : name.constData(), LDAP_SASL_SIMPLE,
                            &credentials, nullptr, nullptr, nullptr);
}

Connection connect(const DirectorySettings &settings)
{
    LDAP *raw = nullptr;
    check(ldap_initialize(&raw, settings.url.toUtf8().constData()), "LDAP URL");
    Connection ld(raw);
    const int version = LDAP_VERSION3;
    check(ldap_set_option(raw, LDAP_OPT_PROTOCOL_VERSION, &version), "protocol version");
    check(ldap_set_option(raw, LDAP_OPT_REFERRALS, LDAP_OPT_OFF), "referrals");
    timeval timeout { settings.timeoutSeconds, 0 };
    check(ldap_set_option(raw, LDAP_OPT_NETWORK_TIMEOUT, &timeout), "network timeout");
    check(ldap_set_option(raw, LDAP_OPT_TIMEOUT, &timeout), "timeout");
    if (!settings.startTls && !settings.url.startsWith(QLatin1String("ldaps:")))
        return ld; // allow_plaintext: a test directory
    // The certificate must be valid for the host and signed by a trusted authority, whatever
    // /etc/ldap/ldap.conf says. The options take effect in a context of this handle's own.
    const int demand = LDAP_OPT_X_TLS_DEMAND;
    check(ldap_set_option(raw, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand), "TLS certificate check");
    if (!settings.caFile.isEmpty())
        check(ldap_set_option(raw, LDAP_OPT_X_TLS_CACERTFILE, settings.caFile.toUtf8().constData()),
              "TLS CA file");
    const int client = 0;
    check(ldap_set_option(raw, LDAP_OPT_X_TLS_NEWCTX, &client), "TLS context");
    if (settings.startTls)
        check(ldap_start_tls_s(raw, nullptr, nullptr), "StartTLS");
    return ld;
}

Messages search(LDAP *ld, const DirectorySettings &settings, const QString &base,
                const QString &filter, const char *attribute, int sizeLimit, int *code)
{
    char *attributes[] = { const_cast<char *>(attribute), nullptr };
    timeval timeout { settings.timeoutSeconds, 0 };
    LDAPMessage *result = nullptr;
    *code = ldap_search_ext_s(ld, base.toUtf8().constData(), LDAP_SCOPE_SUBTREE,
                              filter.toUtf8().constData(), attributes, 0, nullptr, nullptr,
                              &timeout, sizeLimit, &result);
    return Messages(result);
}

QString dnOf(LDAP *ld, LDAPMessage *entry)
{
    char *dn = ldap_get_dn(ld, entry);
    const QString text = QString::fromUtf8(dn);
    ldap_memfree(dn);
    return text;
}

QStringList valuesOf(LDAP *ld, LDAPMessage *entry, const char *attribute)
{
    QStringList values;
    berval **list = ldap_get_values_len(ld, entry, attribute);
    for (int i = 0; list && list[i]; ++i)
        values.append(QString::fromUtf8(list[i]->bv_val, qsizetype(list[i]->bv_len)));
    ldap_value_free_len(list);
    return values;
}

} // namespace

LdapDirectory::LdapDirectory(DirectorySettings settings)
    : m_settings(std::move(settings))
{ }

DirectoryAnswer LdapDirectory::signIn(const QString &username, const QString &password) const
{
    DirectoryAnswer answer;
    // An empty password would be an unauthenticated bind, which servers accept (RFC 4513 5.1.2).
    if (password.isEmpty()) {
        answer.outcome = Outcome::WrongPassword;
        return answer;
    }
    try {
        Connection ld = connect(m_settings);
        check(simpleBind(ld.get(), m_settings.bindDn, m_settings.bindPassword),
              "bind as [ldap] bind_dn");

        int code = LDAP_SUCCESS;
        Messages users = search(ld.get(), m_settings, m_settings.userBase,
                                directory::fillFilter(m_settings.userFilter, username),
                                "memberOf", 2, &code);
        const int found = users ? ldap_count_entries(ld.get(), users.get()) : 0;
        if (code == LDAP_SIZELIMIT_EXCEEDED || found > 1) {
            answer.outcome = Outcome::Ambiguous;
            return answer;
        }
        if (code == LDAP_NO_SUCH_OBJECT)
            throw Failure { describe("search under [ldap] user_base", code) };
        check(code, "user search");
        if (found == 0) {
            answer.outcome = Outcome::UnknownUser;
            return answer;
        }
        LDAPMessage *entry = ldap_first_entry(ld.get(), users.get());
        answer.dn = dnOf(ld.get(), entry);
        answer.groups = valuesOf(ld.get(), entry, "memberOf");

        if (!m_settings.groupBase.isEmpty()) {
            Messages groups = search(ld.get(), m_settings, m_settings.groupBase,
                                     directory::fillFilter(m_settings.groupFilter, username, answer.dn),
                                     LDAP_NO_ATTRS, 0, &code);
            check(code, "group search");
            for (LDAPMessage *group = ldap_first_entry(ld.get(), groups.get()); group;
                 group = ldap_next_entry(ld.get(), group))
                answer.groups.append(dnOf(ld.get(), group));
        }

        const int bound = simpleBind(ld.get(), answer.dn, password.toUtf8());
        if (bound == LDAP_INVALID_CREDENTIALS || bound == LDAP_INAPPROPRIATE_AUTH) {
            answer.outcome = Outcome::WrongPassword;
            return answer;
        }
        check(bound, "bind as the user");
        const std::optional<QString> role = directory::roleForGroups(answer.groups, m_settings.groupRules);
        answer.outcome = role ? Outcome::SignedIn : Outcome::NoMappedGroup;
        answer.role = role.value_or(QString());
    } catch (const Failure &failure) {
        answer.outcome = Outcome::Unavailable;
        answer.problem = failure.problem;
    }
    return answer;
}

} // namespace tf::gateway
