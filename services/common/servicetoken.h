#pragma once

#include <QByteArray>
#include <QString>

namespace tf::http {

// The shared secret tf-gateway presents to tf-syncd (DESIGN.md section 6: tf-syncd accepts
// only the gateway's service token). Both programs load it the same way, so a gateway and the
// tf-syncd it supervises (or one sharing its data directory) agree without configuration.
class ServiceToken final
{
public:
    static constexpr const char *kEnvironmentVariable = "TF_SERVICE_TOKEN";

    // TF_SERVICE_TOKEN when set (at least 32 characters from A-Z a-z 0-9 . _ ~ + / = -),
    // else <dataDir>/service-token, created with a random value (mode 0600) when missing.
    // Creation is atomic and never replaces a file: programs starting together read the
    // same value. Throws tf::Error(Validation) naming the variable or the file when it is
    // unusable (too short, other users can read it, unreadable).
    static ServiceToken load(const QString &dataDir);
    static QString filePath(const QString &dataDir);

    explicit ServiceToken(QByteArray value);

    const QByteArray &value() const { return m_value; }
    // "Bearer <token>", for the Authorization header.
    QByteArray authorization() const { return QByteArrayLiteral("Bearer ") + m_value; }
    // True when the Authorization header carries exactly this token. Constant time in the
    // header's content (both sides are hashed to a fixed length before comparing).
    bool matches(const QByteArray &authorizationHeader) const;

private:
    QByteArray m_value;
};

} // namespace tf::http
