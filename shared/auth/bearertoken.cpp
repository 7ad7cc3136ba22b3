#include "bearertoken.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace tf::auth {

namespace {

constexpr int kRandomBytes = 32;
constexpr int kEncodedLength = 43; // base64url of 32 bytes, no padding
constexpr int kPrefixLength = 4; // "tfs_" / "tfk_"

} // namespace

QString tokenKindName(TokenKind kind)
{
    return kind == TokenKind::Session ? QStringLiteral("session") : QStringLiteral("api_token");
}

IssuedToken issueToken(TokenKind kind)
{
    QByteArray random(kRandomBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()),
                                          kRandomBytes / 4);
    const QByteArray encoded
        = random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    IssuedToken token;
    token.value = (kind == TokenKind::Session ? QStringLiteral("tfs_") : QStringLiteral("tfk_"))
        + QString::fromLatin1(encoded);
    token.hash = hashToken(token.value.toLatin1());
    token.prefix = displayPrefix(token.value);
    return token;
}

QString hashToken(const QByteArray &value)
{
    return QString::fromLatin1(QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex());
}

bool isWellFormedToken(const QByteArray &value)
{
    if (value.size() != kPrefixLength + kEncodedLength)
        return false;
    if (!value.startsWith("tfs_") && !value.startsWith("tfk_"))
        return false;
    for (qsizetype i = kPrefixLength; i < value.size(); ++i) {
        const char c = value.at(i);
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

QString displayPrefix(const QString &value)
{
    return value.left(kPrefixLength + 6);
}

} // namespace tf::auth
