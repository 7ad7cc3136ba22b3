#include "sealedsetting.h"

#include "errors.h"
#include "secretbox.h"

namespace tf::sealedsetting {

namespace {
const QString kPrefix = QStringLiteral("sealed:");
} // namespace

QString seal(const SecretBox &box, const QByteArray &secret)
{
    return kPrefix + QString::fromLatin1(box.seal(secret).toBase64());
}

bool looksSealed(const QString &text)
{
    return text.startsWith(kPrefix);
}

QByteArray open(const SecretBox &box, const QString &text)
{
    if (!looksSealed(text))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("not a sealed value; make one with `tfctl config seal` (it reads "
                                   "the secret from standard input)"));
    const auto decoded = QByteArray::fromBase64Encoding(text.mid(kPrefix.size()).toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        throw Error(Error::Kind::Validation, QStringLiteral("the sealed value is not valid base64"));
    return box.open(*decoded);
}

} // namespace tf::sealedsetting
