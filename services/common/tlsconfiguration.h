#pragma once

#include <QSslConfiguration>
#include <QString>

namespace tf::http {

// Reads a PEM certificate (chain) and private key (RSA or EC, unencrypted) into a server TLS
// configuration (tf-gateway's [tls], tf-syncd's [syncd] tls_*). Throws tf::Error(Validation)
// naming the file that is missing, unreadable or not what it should be.
QSslConfiguration loadTlsConfiguration(const QString &certificateFile,
                                       const QString &privateKeyFile);

// Adds the PEM certificates of `file` to the authorities every outgoing TLS connection of this
// process trusts (tf-gateway calling a tf-syncd with a private CA). Throws like the above.
void trustCertificateAuthorities(const QString &file);

} // namespace tf::http
