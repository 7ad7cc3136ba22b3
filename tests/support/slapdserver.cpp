#include "slapdserver.h"

#include "testsupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>

namespace tf::test {

namespace {
const QByteArray kRootPassword = QByteArrayLiteral("slapd-root-secret");
} // namespace

SlapdServer::SlapdServer() = default;

SlapdServer::~SlapdServer()
{
    stop();
}

bool SlapdServer::installed()
{
    return !systemTool(QStringLiteral("slapd")).isEmpty() && !systemTool(QStringLiteral("ldapmodify")).isEmpty()
        && !systemTool(QStringLiteral("openssl")).isEmpty();
}

bool SlapdServer::required()
{
    return qEnvironmentVariable("TF_REQUIRE_SLAPD") == QLatin1String("1");
}

QString SlapdServer::url() const
{
    return QStringLiteral("ldap://127.0.0.1:%1").arg(m_port);
}

QString SlapdServer::ldapsUrl() const
{
    return QStringLiteral("ldaps://127.0.0.1:%1").arg(m_tlsPort);
}

QString SlapdServer::caFile() const
{
    return m_dir.filePath(QStringLiteral("ca.pem"));
}

QString SlapdServer::serverLog() const
{
    QFile log(m_dir.filePath(QStringLiteral("slapd.log")));
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll().right(4000)) : QString();
}

bool SlapdServer::run(const QString &program, const QStringList &arguments, const QByteArray &input)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(systemTool(program), arguments);
    if (!process.waitForStarted(10000)) {
        m_error = program + QStringLiteral(" did not start");
        return false;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 failed: %2").arg(program, QString::fromUtf8(process.readAll().right(2000)));
        return false;
    }
    return true;
}

bool SlapdServer::writeFiles()
{
    const QString dir = m_dir.path();
    const QString ca = caFile();
    const QString caKey = m_dir.filePath(QStringLiteral("ca.key"));
    const QString key = m_dir.filePath(QStringLiteral("server.key"));
    const QString csr = m_dir.filePath(QStringLiteral("server.csr"));
    const QString certificate = m_dir.filePath(QStringLiteral("server.pem"));
    const QString extensions = m_dir.filePath(QStringLiteral("server.ext"));
    QFile ext(extensions);
    if (!ext.open(QIODevice::WriteOnly) || ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n") < 0)
        return (m_error = QStringLiteral("cannot write ") + extensions), false;
    ext.close();
    const QStringList ec { QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                           QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes") };
    if (!run(QStringLiteral("openssl"), QStringList { QStringLiteral("req"), QStringLiteral("-x509") } + ec
                 + QStringList { QStringLiteral("-keyout"), caKey, QStringLiteral("-out"), ca,
                                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                                 QStringLiteral("/CN=TerraFusion test directory CA") })
        || !run(QStringLiteral("openssl"), QStringList { QStringLiteral("req") } + ec
                    + QStringList { QStringLiteral("-keyout"), key, QStringLiteral("-out"), csr,
                                    QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1") })
        || !run(QStringLiteral("openssl"),
                { QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr,
                  QStringLiteral("-CA"), ca, QStringLiteral("-CAkey"), caKey, QStringLiteral("-CAcreateserial"),
                  QStringLiteral("-out"), certificate, QStringLiteral("-days"), QStringLiteral("2"),
                  QStringLiteral("-extfile"), extensions }))
        return false;

    if (!QDir(dir).mkpath(QStringLiteral("db")))
        return (m_error = QStringLiteral("cannot create the database folder")), false;
    const QString config = QStringLiteral(
        "include /etc/ldap/schema/core.schema\n"
        "include /etc/ldap/schema/cosine.schema\n"
        "include /etc/ldap/schema/inetorgperson.schema\n"
        "pidfile %1/slapd.pid\n"
        "TLSCACertificateFile %2\n"
        "TLSCertificateFile %3\n"
        "TLSCertificateKeyFile %4\n"
        "modulepath /usr/lib/ldap\n"
        "moduleload back_mdb\n"
        "database mdb\n"
        "maxsize 10485760\n"
        "suffix \"%5\"\n"
        "rootdn \"%6\"\n"
        "rootpw %7\n"
        "directory %1/db\n")
        .arg(dir, ca, certificate, key, QLatin1String(kSuffix), QLatin1String(kRootDn),
             QString::fromLatin1(kRootPassword));
    QFile file(m_dir.filePath(QStringLiteral("slapd.conf")));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0)
        return (m_error = QStringLiteral("cannot write slapd.conf")), false;
    return true;
}

bool SlapdServer::start()
{
    if (m_server)
        return true;
    if (!m_dir.isValid())
        return (m_error = QStringLiteral("cannot create a temporary folder")), false;
    if (!m_written && !writeFiles())
        return false;
    m_written = true;
    m_port = freeServerPort();
    m_tlsPort = freeServerPort(m_port);
    if (m_port == 0 || m_tlsPort == 0)
        return (m_error = QStringLiteral("no free port below the ephemeral range")), false;
    m_server = std::make_unique<QProcess>();
    m_server->setStandardOutputFile(m_dir.filePath(QStringLiteral("slapd.log")), QIODevice::Append);
    m_server->setStandardErrorFile(m_dir.filePath(QStringLiteral("slapd.log")), QIODevice::Append);
    // A test that crashes must not leave its server running.
    m_server->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_server->start(systemTool(QStringLiteral("slapd")),
                    { QStringLiteral("-d"), QStringLiteral("0"), QStringLiteral("-f"),
                      m_dir.filePath(QStringLiteral("slapd.conf")), QStringLiteral("-h"),
                      url() + QStringLiteral("/ ") + ldapsUrl() + QStringLiteral("/") });
    if (!m_server->waitForStarted(10000)) {
        m_error = QStringLiteral("slapd did not start: ") + m_server->errorString();
        m_server.reset();
        return false;
    }
    const QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (m_server->state() != QProcess::Running) {
            m_error = QStringLiteral("slapd exited: ") + serverLog();
            m_server.reset();
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(200))
            return true;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("slapd did not accept connections within 30 s: ") + serverLog();
    stop();
    return false;
}

void SlapdServer::stop()
{
    if (!m_server)
        return;
    m_server->terminate();
    if (!m_server->waitForFinished(10000)) {
        m_server->kill();
        m_server->waitForFinished(5000);
    }
    m_server.reset();
}

bool SlapdServer::modify(const QByteArray &ldif)
{
    return run(QStringLiteral("ldapmodify"),
               { QStringLiteral("-a"), QStringLiteral("-x"), QStringLiteral("-H"), url(),
                 QStringLiteral("-D"), QLatin1String(kRootDn), QStringLiteral("-w"),
                 QString::fromLatin1(kRootPassword) },
               ldif);
}

} // namespace tf::test
