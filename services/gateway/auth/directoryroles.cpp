#include "directoryroles.h"

namespace tf::gateway::directory {

namespace {

// "CN = TF-Admins , OU=Groups" -> "cn=tf-admins,ou=groups": enough for comparing the names
// an administrator types with those a directory returns (no escaped commas in group names).
QStringList normalizedRdns(const QString &dn)
{
    QStringList rdns;
    for (const QString &rdn : dn.split(QLatin1Char(','))) {
        const qsizetype equals = rdn.indexOf(QLatin1Char('='));
        if (equals < 0) {
            rdns.append(rdn.trimmed().toLower());
            continue;
        }
        rdns.append(rdn.left(equals).trimmed().toLower() + QLatin1Char('=')
                    + rdn.mid(equals + 1).trimmed().toLower());
    }
    return rdns;
}

int rank(const QString &role)
{
    static const QStringList order { QStringLiteral("viewer"), QStringLiteral("auditor"),
                                     QStringLiteral("operator"), QStringLiteral("admin") };
    return int(order.indexOf(role));
}

} // namespace

QString escapeFilterValue(const QString &value)
{
    QByteArray escaped;
    for (const char c : value.toUtf8()) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '*' || byte == '(' || byte == ')' || byte == '\\' || byte < 0x20 || byte == 0x7f)
            escaped += '\\' + QByteArray::number(byte, 16).rightJustified(2, '0');
        else
            escaped += c; // UTF-8 bytes of other characters stay as they are (RFC 4515 allows them)
    }
    return QString::fromUtf8(escaped);
}

QString fillFilter(const QString &filterTemplate, const QString &username, const QString &dn)
{
    QString filled;
    for (qsizetype i = 0; i < filterTemplate.size(); ++i) {
        const QChar c = filterTemplate.at(i);
        if (c != QLatin1Char('%') || i + 1 == filterTemplate.size()) {
            filled += c;
            continue;
        }
        const QChar next = filterTemplate.at(++i);
        if (next == QLatin1Char('s'))
            filled += escapeFilterValue(username);
        else if (next == QLatin1Char('d'))
            filled += escapeFilterValue(dn);
        else if (next == QLatin1Char('%'))
            filled += QLatin1Char('%');
        else
            filled += c + QString(next);
    }
    return filled;
}

bool groupMatches(const QString &rule, const QString &groupDn)
{
    const QStringList wanted = normalizedRdns(rule);
    const QStringList rdns = normalizedRdns(groupDn);
    if (wanted.isEmpty() || rdns.isEmpty() || wanted.first().isEmpty())
        return false;
    if (wanted.size() > 1)
        return wanted == rdns;
    const QString &first = rdns.first();
    if (wanted.first().contains(QLatin1Char('=')))
        return wanted.first() == first;
    return first.mid(first.indexOf(QLatin1Char('=')) + 1) == wanted.first();
}

std::optional<QString> roleForGroups(const QStringList &groupDns, const QList<GroupRule> &rules)
{
    std::optional<QString> best;
    for (const GroupRule &rule : rules) {
        if (best && rank(rule.role) <= rank(*best))
            continue;
        for (const QString &dn : groupDns) {
            if (groupMatches(rule.group, dn)) {
                best = rule.role;
                break;
            }
        }
    }
    return best;
}

} // namespace tf::gateway::directory
