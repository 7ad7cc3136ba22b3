#pragma once

#include <QByteArray>
#include <QString>

namespace tf::auth {

// Opaque bearer tokens: 32 random bytes, base64url without padding, behind a prefix that says
// what they are ("tfs_" login session, "tfk_" API token for programs). Only the SHA-256 of a
// token is stored; the value itself is shown once, when it is issued.
enum class TokenKind { Session, ApiToken };

QString tokenKindName(TokenKind kind); // "session", "api_token"

struct IssuedToken
{
    QString value; // give to the caller once, never store or log
    QString hash; // hex SHA-256 of value: what api_tokens.token_hash holds
    QString prefix; // the first characters, safe to list ("tfk_Ab12Cd")
};

IssuedToken issueToken(TokenKind kind);
QString hashToken(const QByteArray &value);
// Prefix and length right (the cheap check before a database lookup).
bool isWellFormedToken(const QByteArray &value);
// The part of a token that may be shown in lists: prefix plus six characters.
QString displayPrefix(const QString &value);

} // namespace tf::auth
