#include "servicetoken.h"

#include "core/errors.h"
#include "core/paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>

namespace tf::http {

namespace {

constexpr int kMinimumLength = 32;
constexpr int kGeneratedBytes = 32;

bool wellFormed(const QByteArray &value)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z0-9._~+/=-]{%1,512}$").arg(kMinimumLength));
    return pattern.match(QString::fromLatin1(value)).hasMatch();
}

QByteArray generated()
{
    QByteArray bytes(kGeneratedBytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                         reinterpret_cast<quint32 *>(bytes.data() + bytes.size()));
    return bytes.toHex();
}

// Written under a unique temporary name, then renamed without replacing (QFile::rename never
// overwrites): when the gateway and tf-syncd start at once, exactly one value wins.
void createTokenFile(const QString &path)
{
    const QString temporary
        = path + QStringLiteral(".new-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!paths::writeFileAtomically(temporary, generated() + '\n')) {
        QFile::remove(temporary);
        throw Error(Error::Kind::Validation,
                    QStringLiteral("cannot create service token file %1").arg(path),
                    QJsonObject { { QStringLiteral("file"), path } });
    }
    if (!QFile::rename(temporary, path)) {
        QFile::remove(temporary);
        if (!QFileInfo::exists(path))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("cannot create service token file %1").arg(path),
                        QJsonObject { { QStringLiteral("file"), path } });
    }
}

QByteArray readTokenFile(const QString &path)
{
    constexpr QFileDevice::Permissions shared = QFileDevice::ReadGroup | QFileDevice::WriteGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther;
    // A token other users can read protects nothing: refuse it rather than carry on quietly.
    if (QFileInfo(path).permissions() & shared)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("service token file %1 is accessible to other users; restrict "
                                   "it with: chmod 600 %1")
                        .arg(path),
                    QJsonObject { { QStringLiteral("file"), path } });
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("cannot read service token file %1: %2").arg(path, file.errorString()),
            QJsonObject { { QStringLiteral("file"), path } });
    const QByteArray value = file.read(1024).trimmed();
    if (!wellFormed(value))
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("service token file %1 is damaged: expected at least %2 characters of "
                           "A-Z a-z 0-9 . _ ~ + / = -; delete it to have a new one made")
                .arg(path)
                .arg(kMinimumLength),
            QJsonObject { { QStringLiteral("file"), path } });
    return value;
}

} // namespace

ServiceToken::ServiceToken(QByteArray value)
    : m_value(std::move(value))
{ }

QString ServiceToken::filePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("service-token"));
}

ServiceToken ServiceToken::load(const QString &dataDir)
{
    if (qEnvironmentVariableIsSet(kEnvironmentVariable)) {
        const QByteArray value = qgetenv(kEnvironmentVariable).trimmed();
        if (!wellFormed(value))
            throw Error(
                Error::Kind::Validation,
                QStringLiteral(
                    "TF_SERVICE_TOKEN must be at least %1 characters of A-Z a-z 0-9 . _ ~ + / = -")
                    .arg(kMinimumLength),
                QJsonObject { { QStringLiteral("field"), QStringLiteral("TF_SERVICE_TOKEN") } });
        return ServiceToken(value);
    }
    paths::ensureDir(dataDir);
    const QString path = filePath(dataDir);
    if (!QFileInfo::exists(path))
        createTokenFile(path);
    return ServiceToken(readTokenFile(path));
}

bool ServiceToken::matches(const QByteArray &authorizationHeader) const
{
    static const QByteArray scheme = QByteArrayLiteral("bearer ");
    if (m_value.isEmpty() || authorizationHeader.size() <= scheme.size()
        || authorizationHeader.left(scheme.size()).toLower() != scheme)
        return false;
    const QByteArray given = authorizationHeader.mid(scheme.size()).trimmed();
    // Equal-length digests compared without an early exit: the time taken says nothing about
    // how much of a guess was right.
    const QByteArray a = QCryptographicHash::hash(given, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(m_value, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (int i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace tf::http
