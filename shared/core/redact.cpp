#include "redact.h"

#include <QRegularExpression>

namespace tf {

namespace {

const QRegularExpression &urlCredentials()
{
    static const QRegularExpression re(QStringLiteral(R"re(([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^@\s/]*@)re"));
    return re;
}

const QRegularExpression &namedSecrets()
{
    // key=value, key: value, "key": "value" (quoted or not), for keys that name a secret.
    static const QRegularExpression re(
        QStringLiteral(R"re(((?:[A-Za-z_]*(?:password|passwd|pwd|secret|token|api_?key|credentials?)[A-Za-z_]*)"?\s*[:=]\s*"?)([^"\s&,;}]+))re"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &quotedSecrets()
{
    // "key": "value" / key="value": the whole quoted string, spaces, commas and \" included.
    static const QRegularExpression re(
        QStringLiteral(R"re(((?:[A-Za-z_]*(?:password|passwd|pwd|secret|token|api_?key|credentials?)[A-Za-z_]*)"?\s*[:=]\s*")(?:[^"\\]|\\.)*")re"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &bearer()
{
    static const QRegularExpression re(QStringLiteral(R"re((Bearer\s+)[A-Za-z0-9._~+/=-]+)re"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

} // namespace

QString redactUrl(const QString &url)
{
    QString out = url;
    out.replace(urlCredentials(), QStringLiteral("\\1:***@"));
    return out;
}

QString redactSecrets(const QString &text)
{
    if (text.isEmpty())
        return text;
    QString out = text;
    out.replace(urlCredentials(), QStringLiteral("\\1:***@"));
    out.replace(bearer(), QStringLiteral("\\1***"));
    out.replace(quotedSecrets(), QStringLiteral("\\1***\""));
    out.replace(namedSecrets(), QStringLiteral("\\1***"));
    return out;
}

} // namespace tf
