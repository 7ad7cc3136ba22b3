#pragma once

#include <QByteArray>
#include <QString>
#include <array>

namespace tf {

// Authenticated encryption of small secrets at rest (system credentials): AES-256-GCM with a
// fresh random 12-byte nonce per message. Sealed format:
//   1 version byte (0x01) | 12-byte nonce | ciphertext | 16-byte tag
// The version byte is authenticated too (GCM additional data), so it cannot be swapped.
// The key lives only in this object and is wiped when it is destroyed.
class SecretBox final
{
public:
    static constexpr int kKeySize = 32;
    static constexpr int kNonceSize = 12;
    static constexpr int kTagSize = 16;
    static constexpr char kVersion = 0x01;
    static constexpr int kOverhead = 1 + kNonceSize + kTagSize;

    // Throws tf::Error(Validation) unless the key is exactly 32 bytes.
    explicit SecretBox(const QByteArray &key);
    ~SecretBox();
    SecretBox(const SecretBox &other) = delete;
    SecretBox &operator=(const SecretBox &other) = delete;
    // The moved-from box holds no key: seal() and open() on it throw tf::Error(Internal).
    SecretBox(SecretBox &&other) noexcept;
    SecretBox &operator=(SecretBox &&other) noexcept;

    // The key from TF_SECRET_KEY (64 hex characters, or 44 base64 characters of 32 bytes),
    // else from <dataDir>/secret.key, created on first use with 32 random bytes, mode 0600.
    // Throws tf::Error(Validation) for a malformed TF_SECRET_KEY (its value is never
    // repeated; set but empty is malformed too), a key file readable or writable by group or
    // others, or a damaged key file (never overwritten: that would lose every credential).
    static SecretBox fromEnvironmentOrKeyFile(const QString &dataDir);
    // Parses the TF_SECRET_KEY formats; returns false when the text is neither.
    static bool parseKeyText(const QString &text, QByteArray *key);
    static QString keyFilePath(const QString &dataDir);

    QByteArray seal(const QByteArray &plaintext) const;
    // Throws tf::Error(Validation, "credentials cannot be decrypted: wrong key or damaged
    // data") for tampered or truncated data and for a different key.
    QByteArray open(const QByteArray &sealed) const;

private:
    void requireKey() const;

    std::array<unsigned char, kKeySize> m_key {};
    bool m_hasKey = false;
};

} // namespace tf
