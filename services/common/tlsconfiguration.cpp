#include "tlsconfiguration.h"

#include "core/config.h"
#include "core/errors.h"

#include <QFile>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslDiffieHellmanParameters>
#include <QSslKey>
#include <QSslSocket>

namespace tf::http {

namespace {

QByteArray readPem(const QString &file, const char *what)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("TLS %1 file %2 cannot be read: %3")
                        .arg(QLatin1String(what), file, f.errorString()),
                    QJsonObject { { QStringLiteral("file"), file } });
    }
    return f.readAll();
}

// RFC 7919's ffdhe2048 group, the DHE parameters of Mozilla's intermediate profile (what
// `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048` prints). Without them
// the DHE suites of the profile would never be chosen.
constexpr char kFfdhe2048[] = "-----BEGIN DH PARAMETERS-----\n"
                              "MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz\n"
                              "+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a\n"
                              "87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7\n"
                              "YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi\n"
                              "7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD\n"
                              "ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==\n"
                              "-----END DH PARAMETERS-----\n";

Error invalidSetting(const Config &config, const QString &key, const QString &problem)
{
    return Error(Error::Kind::Validation,
                 QStringLiteral("%1 (from %2): %3").arg(key, config.entry(key).source, problem),
                 QJsonObject { { QStringLiteral("key"), key } });
}

// The named TLS 1.2 suites; with a config, a name that is not one is an error naming `key`.
QList<QSslCipher> tls12Ciphers(const QString &list, const Config *config, const QString &key)
{
    QList<QSslCipher> ciphers;
    for (const QString &part : list.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        const QString name = part.trimmed();
        const QSslCipher cipher(name);
        if (!config && cipher.isNull())
            continue; // the built-in profile: a suite this OpenSSL lacks is simply not offered
        if (cipher.isNull() || cipher.protocol() == QSsl::TlsV1_3) {
            const QString problem = cipher.isNull()
                ? QStringLiteral("'%1' is not a cipher suite this OpenSSL offers (use OpenSSL names such as "
                                 "ECDHE-RSA-AES128-GCM-SHA256, separated by ':')")
                      .arg(name)
                : QStringLiteral("'%1' is a TLS 1.3 suite; TLS 1.3 always uses OpenSSL's suites, list TLS 1.2 ones")
                      .arg(name);
            throw invalidSetting(*config, key, problem);
        }
        ciphers.append(cipher);
    }
    return ciphers;
}

} // namespace

TlsPolicy TlsPolicy::fromConfig(const Config &config)
{
    TlsPolicy policy;
    const QString versionKey = QStringLiteral("tls/min_version");
    const QString version = config.string(versionKey).trimmed();
    if (version == QLatin1String("1.3"))
        policy.protocol = QSsl::TlsV1_3OrLater;
    else if (!version.isEmpty() && version != QLatin1String("1.2"))
        throw invalidSetting(config, versionKey,
                             QStringLiteral("'%1' is not 1.2 or 1.3 (TLS 1.0 and 1.1 are never offered)").arg(version));
    const QString ciphersKey = QStringLiteral("tls/ciphers");
    const QString list = config.string(ciphersKey).trimmed();
    if (!list.isEmpty()) {
        policy.ciphers = tls12Ciphers(list, &config, ciphersKey);
        if (policy.ciphers.isEmpty())
            throw invalidSetting(config, ciphersKey, QStringLiteral("'%1' names no cipher suite").arg(list));
    }
    return policy;
}

QSslConfiguration loadTlsConfiguration(const QString &certificateFile,
                                       const QString &privateKeyFile,
                                       const TlsPolicy &policy)
{
    if (!QSslSocket::supportsSsl()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("TLS is configured (%1) but this Qt has no TLS backend")
                        .arg(certificateFile));
    }
    const QList<QSslCertificate> chain
        = QSslCertificate::fromData(readPem(certificateFile, "certificate"), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("TLS certificate file %1 holds no PEM certificate").arg(certificateFile),
            QJsonObject { { QStringLiteral("file"), certificateFile } });
    }
    const QByteArray keyPem = readPem(privateKeyFile, "private key");
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral(
                        "TLS private key file %1 holds no unencrypted PEM private key (RSA or EC)")
                        .arg(privateKeyFile),
                    QJsonObject { { QStringLiteral("file"), privateKeyFile } });
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    configuration.setProtocol(policy.protocol);
    const QSslDiffieHellmanParameters dh = QSslDiffieHellmanParameters::fromEncoded(QByteArray(kFfdhe2048), QSsl::Pem);
    if (dh.isValid())
        configuration.setDiffieHellmanParameters(dh);
    // Qt hands the list to OpenSSL's TLS 1.2 cipher list; TLS 1.3 keeps OpenSSL's AEAD suites.
    configuration.setCiphers(policy.ciphers.isEmpty()
                                 ? tls12Ciphers(QString::fromLatin1(kIntermediateCiphers), nullptr, {})
                                 : policy.ciphers);
    return configuration;
}

void trustCertificateAuthorities(const QString &file)
{
    const QList<QSslCertificate> authorities = QSslCertificate::fromData(readPem(file, "certificate authority"), QSsl::Pem);
    if (authorities.isEmpty() || authorities.first().isNull()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("TLS certificate authority file %1 holds no PEM certificate").arg(file),
                    QJsonObject { { QStringLiteral("file"), file } });
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificates(authorities);
    QSslConfiguration::setDefaultConfiguration(configuration);
}

} // namespace tf::http
