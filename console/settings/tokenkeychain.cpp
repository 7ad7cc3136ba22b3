#include "tokenkeychain.h"

#include <QPointer>

#ifdef TF_CONSOLE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace tf::console {

namespace {
#ifdef TF_CONSOLE_KEYCHAIN
// An entry nobody writes: reading it tells whether the keychain answers at all.
const QString ProbeKey = QStringLiteral("availability-probe");

template<typename Job>
Job *newJob(const QString &key)
{
    auto *job = new Job(TokenKeychain::serviceName());
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text copy in QSettings
    job->setKey(key);
    return job;
}

bool notFound(const QKeychain::Job *job)
{
    return job->error() == QKeychain::EntryNotFound;
}
#endif
} // namespace

TokenKeychain::TokenKeychain(QObject *parent)
    : QObject(parent)
{
    if (!isBuiltIn()) {
        m_availability = Availability::Unavailable;
        m_reason = tr("This console was built without keychain support.");
    }
}

bool TokenKeychain::isBuiltIn()
{
#ifdef TF_CONSOLE_KEYCHAIN
    return true;
#else
    return false;
#endif
}

QString TokenKeychain::serviceName()
{
    return QStringLiteral("org.terrafusion.Console");
}

QString TokenKeychain::keyFor(const QString &gateway, const QString &username)
{
    return QStringLiteral("%1 %2").arg(gateway, username);
}

void TokenKeychain::setAvailability(Availability availability, const QString &reason)
{
    m_reason = availability == Availability::Unavailable ? reason : QString();
    if (m_availability == availability)
        return;
    m_availability = availability;
    emit availabilityChanged(availability);
}

void TokenKeychain::probe()
{
#ifdef TF_CONSOLE_KEYCHAIN
    if (m_probing)
        return;
    m_probing = true;
    auto *job = newJob<QKeychain::ReadPasswordJob>(ProbeKey);
    QPointer<TokenKeychain> self(this);
    connect(job, &QKeychain::Job::finished, this, [self](QKeychain::Job *done) {
        if (!self)
            return;
        self->m_probing = false;
        if (done->error() == QKeychain::NoError || notFound(done))
            self->setAvailability(Availability::Available, {});
        else
            self->setAvailability(Availability::Unavailable,
                                  tr("No system keychain is available (%1).").arg(done->errorString()));
    });
    job->start();
#endif
}

void TokenKeychain::store(const QString &gateway, const QString &username, const QByteArray &token, DoneCallback done)
{
#ifdef TF_CONSOLE_KEYCHAIN
    auto *job = newJob<QKeychain::WritePasswordJob>(keyFor(gateway, username));
    job->setBinaryData(token);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        if (done)
            done(finished->error() == QKeychain::NoError, finished->errorString());
    });
    job->start();
#else
    Q_UNUSED(gateway) Q_UNUSED(username) Q_UNUSED(token)
    if (done)
        done(false, m_reason);
#endif
}

void TokenKeychain::read(const QString &gateway, const QString &username, TokenCallback done)
{
#ifdef TF_CONSOLE_KEYCHAIN
    auto *job = newJob<QKeychain::ReadPasswordJob>(keyFor(gateway, username));
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        if (finished->error() == QKeychain::NoError)
            done(static_cast<QKeychain::ReadPasswordJob *>(finished)->binaryData(), QString());
        else
            done(QByteArray(), notFound(finished) ? QString() : finished->errorString());
    });
    job->start();
#else
    Q_UNUSED(gateway) Q_UNUSED(username)
    done(QByteArray(), m_reason);
#endif
}

void TokenKeychain::remove(const QString &gateway, const QString &username, DoneCallback done)
{
#ifdef TF_CONSOLE_KEYCHAIN
    auto *job = newJob<QKeychain::DeletePasswordJob>(keyFor(gateway, username));
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job *finished) {
        const bool ok = finished->error() == QKeychain::NoError || notFound(finished);
        if (done)
            done(ok, ok ? QString() : finished->errorString());
    });
    job->start();
#else
    Q_UNUSED(gateway) Q_UNUSED(username)
    if (done)
        done(true, QString());
#endif
}

} // namespace tf::console
