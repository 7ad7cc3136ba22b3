#pragma once

#include <QList>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QString>

namespace tf {
class Config;
}

namespace tf::http {

// Mozilla's "intermediate" server profile for TLS 1.2: forward secrecy (ECDHE/DHE) and AEAD
// (AES-GCM, ChaCha20-Poly1305) only. TLS 1.3 always uses OpenSSL's suites, all of them AEAD.
inline constexpr char kIntermediateCiphers[]
    = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
      "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
      "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

// What a server offers: [tls] min_version (1.2 or 1.3) and [tls] ciphers (the TLS 1.2 suites,
// OpenSSL names separated by ':'), for tf-gateway and tf-syncd alike.
struct TlsPolicy
{
    QSsl::SslProtocol protocol = QSsl::TlsV1_2OrLater;
    QList<QSslCipher> ciphers; // empty: the intermediate profile

    // Throws tf::Error(Validation) naming the key, where it was set and the value it refuses.
    static TlsPolicy fromConfig(const Config &config);
};

// Reads a PEM certificate (chain) and private key (RSA or EC, unencrypted) into a server TLS
// configuration (tf-gateway's [tls], tf-syncd's [syncd] tls_*). Throws tf::Error(Validation)
// naming the file that is missing, unreadable or not what it should be.
QSslConfiguration loadTlsConfiguration(const QString &certificateFile,
                                       const QString &privateKeyFile,
                                       const TlsPolicy &policy = {});

// Adds the PEM certificates of `file` to the authorities every outgoing TLS connection of this
// process trusts (tf-gateway calling a tf-syncd with a private CA). Throws like the above.
void trustCertificateAuthorities(const QString &file);

} // namespace tf::http
