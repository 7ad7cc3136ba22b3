#include "secretbox.h"

#include "errors.h"
#include "paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUuid>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace tf {

namespace {

const char kEnvironmentVariable[] = "TF_SECRET_KEY";

[[noreturn]] void undecryptable()
{
    throw Error(Error::Kind::Validation,
                QStringLiteral("credentials cannot be decrypted: wrong key or damaged data"));
}

[[noreturn]] void cryptoFailure(const char *step)
{
    throw Error(Error::Kind::Internal,
                QStringLiteral("encryption library failure (%1)").arg(QLatin1String(step)));
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext()
{
    CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!context)
        cryptoFailure("EVP_CIPHER_CTX_new");
    return context;
}

// Wipes a QByteArray that held key material before it is released.
void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    bytes.clear();
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), count) != 1)
        cryptoFailure("RAND_bytes");
    return bytes;
}

QByteArray readKeyFile(const QString &path)
{
    const QFileInfo info(path);
    constexpr QFileDevice::Permissions shared = QFileDevice::ReadGroup | QFileDevice::WriteGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther;
    // A key other users can read protects nothing: refuse it rather than carry on quietly.
    if (info.permissions() & shared)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("secret key file %1 is accessible to other users; "
                                   "restrict it with: chmod 600 %1")
                        .arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("cannot read secret key file %1: %2").arg(path, file.errorString()));
    QByteArray content = file.read(4096);
    QByteArray key;
    if (content.size() == SecretBox::kKeySize)
        key = content;
    else if (!SecretBox::parseKeyText(QString::fromLatin1(content).trimmed(), &key))
        key.clear();
    wipe(content);
    if (key.size() != SecretBox::kKeySize)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("secret key file %1 is damaged: expected 32 bytes (or 64 hex "
                                   "characters)")
                        .arg(path));
    return key;
}

// Written under a unique temporary name, then renamed without replacing: when two processes
// start at once, exactly one key wins and both use it.
void createKeyFile(const QString &path)
{
    QByteArray key = randomBytes(SecretBox::kKeySize);
    const QString temporary
        = path + QStringLiteral(".new-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const bool written = paths::writeFileAtomically(temporary, key);
    wipe(key);
    if (!written) {
        QFile::remove(temporary);
        throw Error(Error::Kind::Validation,
                    QStringLiteral("cannot create secret key file %1").arg(path));
    }
    if (!QFile::rename(temporary, path)) {
        QFile::remove(temporary);
        if (!QFileInfo::exists(path))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("cannot create secret key file %1").arg(path));
    }
}

} // namespace

SecretBox::SecretBox(const QByteArray &key)
{
    if (key.size() != kKeySize)
        throw Error(Error::Kind::Validation, QStringLiteral("a secret key must be 32 bytes"));
    std::copy(key.cbegin(), key.cend(), m_key.begin());
    m_hasKey = true;
}

SecretBox::~SecretBox()
{
    OPENSSL_cleanse(m_key.data(), m_key.size());
}

SecretBox::SecretBox(SecretBox &&other) noexcept
    : m_key(other.m_key)
    , m_hasKey(other.m_hasKey)
{
    OPENSSL_cleanse(other.m_key.data(), other.m_key.size());
    other.m_hasKey = false;
}

SecretBox &SecretBox::operator=(SecretBox &&other) noexcept
{
    if (this != &other) {
        m_key = other.m_key;
        m_hasKey = other.m_hasKey;
        OPENSSL_cleanse(other.m_key.data(), other.m_key.size());
        other.m_hasKey = false;
    }
    return *this;
}

bool SecretBox::parseKeyText(const QString &text, QByteArray *key)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9A-Fa-f]{64}$"));
    static const QRegularExpression base64(QStringLiteral("^[A-Za-z0-9+/]{43}=$"));
    if (hex.match(text).hasMatch()) {
        *key = QByteArray::fromHex(text.toLatin1());
        return true;
    }
    if (base64.match(text).hasMatch()) {
        const auto decoded = QByteArray::fromBase64Encoding(
            text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (decoded && decoded.decoded.size() == kKeySize) {
            *key = decoded.decoded;
            return true;
        }
    }
    return false;
}

QString SecretBox::keyFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("secret.key"));
}

SecretBox SecretBox::fromEnvironmentOrKeyFile(const QString &dataDir)
{
    QByteArray key;
    if (qEnvironmentVariableIsSet(kEnvironmentVariable)) {
        QString text = qEnvironmentVariable(kEnvironmentVariable).trimmed();
        const bool ok = parseKeyText(text, &key);
        text.fill(QLatin1Char(' '));
        if (!ok)
            throw Error(
                Error::Kind::Validation,
                QStringLiteral("TF_SECRET_KEY must be 64 hexadecimal characters or 44 "
                               "base64 characters encoding 32 bytes"),
                QJsonObject { { QStringLiteral("field"), QStringLiteral("TF_SECRET_KEY") } });
    } else {
        paths::ensureDir(dataDir);
        const QString path = keyFilePath(dataDir);
        if (!QFileInfo::exists(path))
            createKeyFile(path);
        key = readKeyFile(path);
    }
    SecretBox box(key);
    wipe(key);
    return box;
}

// A moved-from box would otherwise encrypt with an all-zero key.
void SecretBox::requireKey() const
{
    if (!m_hasKey)
        throw Error(Error::Kind::Internal,
                    QStringLiteral("secret box used after being moved from"));
}

QByteArray SecretBox::seal(const QByteArray &plaintext) const
{
    requireKey();
    const QByteArray nonce = randomBytes(kNonceSize);
    QByteArray sealed(kOverhead + plaintext.size(), Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(sealed.data());
    out[0] = static_cast<unsigned char>(kVersion);
    std::copy(nonce.cbegin(), nonce.cend(), out + 1);
    unsigned char *cipherText = out + 1 + kNonceSize;

    CipherContext context = newContext();
    int length = 0;
    if (EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1
        || EVP_EncryptInit_ex(context.get(), nullptr, nullptr, m_key.data(), out + 1) != 1
        || EVP_EncryptUpdate(context.get(), nullptr, &length, out, 1) != 1)
        cryptoFailure("encrypt init");
    if (!plaintext.isEmpty()
        && EVP_EncryptUpdate(context.get(), cipherText, &length,
                             reinterpret_cast<const unsigned char *>(plaintext.constData()),
                             int(plaintext.size()))
            != 1)
        cryptoFailure("encrypt");
    int finalLength = 0;
    if (EVP_EncryptFinal_ex(context.get(), cipherText + plaintext.size(), &finalLength) != 1
        || EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                               cipherText + plaintext.size())
            != 1)
        cryptoFailure("encrypt final");
    return sealed;
}

QByteArray SecretBox::open(const QByteArray &sealed) const
{
    requireKey();
    if (sealed.size() < kOverhead || sealed.at(0) != kVersion)
        undecryptable();
    const auto *in = reinterpret_cast<const unsigned char *>(sealed.constData());
    const int cipherSize = int(sealed.size()) - kOverhead;
    const unsigned char *cipherText = in + 1 + kNonceSize;
    // EVP_CIPHER_CTX_ctrl takes a non-const tag pointer; hand it a copy.
    unsigned char tag[kTagSize];
    std::copy(cipherText + cipherSize, cipherText + cipherSize + kTagSize, tag);

    QByteArray plaintext(cipherSize, Qt::Uninitialized);
    CipherContext context = newContext();
    int length = 0;
    if (EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1
        || EVP_DecryptInit_ex(context.get(), nullptr, nullptr, m_key.data(), in + 1) != 1
        || EVP_DecryptUpdate(context.get(), nullptr, &length, in, 1) != 1)
        cryptoFailure("decrypt init");
    if (cipherSize > 0
        && EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char *>(plaintext.data()),
                             &length, cipherText, cipherSize)
            != 1)
        undecryptable();
    int finalLength = 0;
    if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) != 1)
        cryptoFailure("decrypt tag");
    // The tag check happens here: nothing decrypted is returned unless it matches.
    if (EVP_DecryptFinal_ex(context.get(),
                            reinterpret_cast<unsigned char *>(plaintext.data()) + cipherSize,
                            &finalLength)
        != 1) {
        wipe(plaintext);
        undecryptable();
    }
    return plaintext;
}

} // namespace tf
