#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace tf::console {

// "Remember me": the console's bearer token (never a password) in the system keychain (the
// Secret Service on Linux, through QtKeychain), keyed by gateway URL and user name. Never in
// QSettings or a file: QtKeychain's insecure fallback is off. Every call is asynchronous (the
// keychain may ask the user to unlock it); the GUI never waits on it. Built without QtKeychain
// (TF_CONSOLE_KEYCHAIN=OFF) every call answers "unavailable" and isBuiltIn() is false.
class TokenKeychain final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenKeychain)

public:
    enum class Availability { Unknown, Available, Unavailable };
    Q_ENUM(Availability)

    using TokenCallback = std::function<void(const QByteArray &token, const QString &error)>;
    using DoneCallback = std::function<void(bool ok, const QString &error)>;

    explicit TokenKeychain(QObject *parent = nullptr);

    static bool isBuiltIn();
    static QString serviceName();
    static QString keyFor(const QString &gateway, const QString &username);

    // Asks the keychain once (a read of an entry that does not exist) whether it answers.
    void probe();
    Availability availability() const { return m_availability; }
    // Why the keychain cannot be used, for a tooltip; empty while available or unknown.
    QString unavailableReason() const { return m_reason; }

    void store(const QString &gateway, const QString &username, const QByteArray &token, DoneCallback done = {});
    // token is empty when nothing is stored (error empty) or the keychain failed (error set).
    void read(const QString &gateway, const QString &username, TokenCallback done);
    // Deleting an entry that does not exist is a success.
    void remove(const QString &gateway, const QString &username, DoneCallback done = {});

signals:
    void availabilityChanged(tf::console::TokenKeychain::Availability availability);

private:
    void setAvailability(Availability availability, const QString &reason);

    Availability m_availability = Availability::Unknown;
    QString m_reason;
    bool m_probing = false;
};

} // namespace tf::console
