#pragma once

#include <QByteArray>
#include <QString>

namespace tf::auth {

// PBKDF2-HMAC-SHA256 password hashes (QPasswordDigestor) with a per-user random salt, stored as
// "pbkdf2-sha256$<iterations>$<salt base64>$<key base64>". The iteration count travels with
// each hash, so raising the configured count upgrades hashes at the users' next login.
class PasswordHasher final
{
public:
    // OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
    static constexpr int kDefaultIterations = 210000;
    static constexpr int kMinIterations = 1000;

    explicit PasswordHasher(int iterations = kDefaultIterations);

    int iterations() const { return m_iterations; }

    QString hash(const QString &password) const;
    // Constant-time comparison of the derived key; false for a malformed stored value.
    bool verify(const QString &password, const QString &encoded) const;
    // The same work as verify() against a hash of nothing, so a login for a user who does
    // not exist takes as long as one with a wrong password. Always false.
    bool verifyDummy(const QString &password) const;
    // True when the stored hash uses another iteration count (or another scheme).
    bool needsRehash(const QString &encoded) const;

private:
    int m_iterations;
};

// Compares two byte strings in time that depends only on their lengths.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace tf::auth
