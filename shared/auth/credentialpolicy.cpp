#include "credentialpolicy.h"

#include "core/errors.h"

#include <QRandomGenerator>
#include <QRegularExpression>

namespace tf::auth {

void validateUsername(const QString &username, const QString &field)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9._@-]{1,64}$"));
    if (!allowed.match(username).hasMatch()) {
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("%1 must be 1-%2 characters of letters, digits, '.', '_', '@' and '-'")
                .arg(field)
                .arg(kMaxUsernameLength),
            QJsonObject { { QStringLiteral("field"), field } });
    }
}

void validatePassword(const QString &password, const QString &field)
{
    if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 must be %2 to %3 characters long")
                        .arg(field)
                        .arg(kMinPasswordLength)
                        .arg(kMaxPasswordLength),
                    QJsonObject { { QStringLiteral("field"), field } });
    }
}

QString generatePassword(int length)
{
    // No look-alikes (0/O, 1/l/I), so it can be typed from a terminal.
    static const QString alphabet
        = QStringLiteral("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789");
    QString password;
    password.reserve(length);
    QRandomGenerator *random = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        password.append(alphabet.at(int(random->bounded(quint32(alphabet.size())))));
    return password;
}

} // namespace tf::auth
