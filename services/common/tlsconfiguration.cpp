#include "tlsconfiguration.h"

#include "core/errors.h"

#include <QFile>
#include <QJsonObject>
#include <QSslCertificate>
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


} // namespace

QSslConfiguration loadTlsConfiguration(const QString &certificateFile,
                                       const QString &privateKeyFile)
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
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
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
