#include "tst_nodes_cluster.h"

#include "core/errors.h"
#include "core/secretbox.h"
#include "db/connection.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/pairrecord.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"

#include <QJsonArray>
#include <QSqlQuery>

using namespace tf;

namespace {

// One key for the test and every node: nodes sharing a control database share the key.
const QString kSecretKey
    = QStringLiteral("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

void execAll(db::Database &database, const QStringList &statements)
{
    for (const QString &statement : statements)
        database.execDirect(statement, "preparing test data");
}

} // namespace

NodeCluster::NodeCluster(QString controlUrl, QHash<QString, QString> syncSettings)
    : m_controlUrl(std::move(controlUrl))
    , m_syncSettings(std::move(syncSettings))
{
    m_control = db::ControlDatabase::open(m_controlUrl, true);
}

QString NodeCluster::secretKey()
{
    return kSecretKey;
}

NodeCluster::~NodeCluster()
{
    for (test::ServiceProcess *node : std::as_const(m_nodes)) {
        if (!node)
            continue; // an index never started (startNode(2) before startNode(1))
        if (node->process().state() != QProcess::NotRunning) {
            node->terminate();
            if (!node->waitFinished(10000))
                node->kill();
        }
        delete node;
    }
}

QString NodeCluster::makeSource(const QString &name, int rows)
{
    const QString path = m_dir.filePath(name + QStringLiteral(".db"));
    db::Database source(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
    execAll(source,
            { QStringLiteral("CREATE TABLE parcel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                             "value INTEGER NOT NULL)") });
    db::Transaction transaction(source);
    QSqlQuery insert
        = source.prepare(QStringLiteral("INSERT INTO parcel (id, name, value) VALUES (?, ?, ?)"));
    for (int i = 1; i <= rows; ++i) {
        insert.bindValue(0, i);
        insert.bindValue(1, QStringLiteral("parcel %1 of %2").arg(i).arg(name));
        insert.bindValue(2, i * 7 % 1000);
        source.exec(insert, "inserting source rows");
    }
    insert.finish();
    transaction.commit();
    source.closeThreadConnection();
    return path;
}

qint64 NodeCluster::addSystem(const QString &name, const QString &path)
{
    SecretBox box(QByteArray::fromHex(kSecretKey.toLatin1()));
    sync::SystemRegistry systems(control(), box);
    sync::SystemDefinition system;
    system.name = name;
    system.kind = QStringLiteral("sqlite");
    system.settings = QJsonObject { { QStringLiteral("path"), path } };
    return systems.create(system);
}

QString NodeCluster::targetPath(const QString &pairName) const
{
    return m_dir.filePath(pairName + QStringLiteral("-target.db"));
}

qint64 NodeCluster::addPair(const QString &name, qint64 sourceSystemId, int batchSize,
                            const QString &schedule)
{
    const QString path = targetPath(name);
    {
        db::Database target(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
        execAll(target,
                { QStringLiteral(
                    "CREATE TABLE parcel_copy (source_id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "value INTEGER NOT NULL)") });
        target.closeThreadConnection();
    }
    const qint64 targetId = addSystem(name + QStringLiteral(" target"), path);
    auto field = [](const char *target, const char *source) {
        return QJsonObject { { QStringLiteral("target"), QLatin1String(target) },
                             { QStringLiteral("source"), QLatin1String(source) } };
    };
    QJsonObject json {
        { QStringLiteral("name"), name },
        { QStringLiteral("source_system"), sourceSystemId },
        { QStringLiteral("target_system"), targetId },
        { QStringLiteral("mode"), QStringLiteral("hash") },
        { QStringLiteral("batch_size"), batchSize },
        { QStringLiteral("entities"),
          QJsonArray { QJsonObject {
              { QStringLiteral("name"), QStringLiteral("parcel") },
              { QStringLiteral("source"),
                QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                              { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
              { QStringLiteral("target"),
                QJsonObject {
                    { QStringLiteral("entity"), QStringLiteral("parcel_copy") },
                    { QStringLiteral("key"), QJsonArray { QStringLiteral("source_id") } } } },
              { QStringLiteral("mapping"),
                QJsonObject { { QStringLiteral("fields"),
                                QJsonArray { field("source_id", "id"), field("name", "name"),
                                             field("value", "value") } } } },
          } } },
    };
    if (!schedule.isEmpty())
        json.insert(QStringLiteral("schedule"), schedule);
    db::SyncPairRepository pairs(control());
    return pairs.insert(sync::pairRecordFrom(sync::SyncPairDefinition::parse(json)));
}

bool NodeCluster::startNode(int index)
{
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), m_controlUrl);
    env.insert(QStringLiteral("TF_SECRET_KEY"), kSecretKey);
    env.insert(QStringLiteral("TF_NODE__ID"), nodeId(index));
    for (auto it = m_syncSettings.cbegin(); it != m_syncSettings.cend(); ++it)
        env.insert(QStringLiteral("TF_SYNC__") + it.key().toUpper(), it.value());
    for (auto it = m_variables.cbegin(); it != m_variables.cend(); ++it)
        env.insert(it.key(), it.value());
    const quint16 port = test::freePort();
    auto *node = new test::ServiceProcess(
        test::binary(QStringLiteral("tf-syncd")),
        QStringList { QStringLiteral("--port"), QString::number(port), QStringLiteral("--data-dir"),
                      m_dir.filePath(QStringLiteral("node%1").arg(index)) },
        env);
    while (m_nodes.size() <= index) {
        m_nodes << nullptr;
        m_ports << 0;
    }
    m_nodes[index] = node;
    m_ports[index] = port;
    return node->start()
        && node->waitHealthy(QStringLiteral("http://127.0.0.1:%1/health/ready").arg(port), 30000);
}

QString NodeCluster::baseUrl(int index) const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_ports.at(index));
}

QString NodeCluster::logs() const
{
    QString text;
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes.at(i))
            text += QStringLiteral("--- node-%1 ---\n%2\n")
                        .arg(i)
                        .arg(QString::fromUtf8(m_nodes.at(i)->output().right(4000)));
    }
    return text;
}

bool NodeCluster::sameRows(const QString &sourcePath, const QString &targetPath, QString *why)
{
    auto read = [](const QString &path, const QString &sql) {
        db::Database database(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
        QStringList rows;
        QSqlQuery query = database.prepare(sql);
        database.exec(query, "reading rows to compare");
        while (query.next())
            rows << QStringLiteral("%1|%2|%3")
                        .arg(query.value(0).toLongLong())
                        .arg(query.value(1).toString())
                        .arg(query.value(2).toLongLong());
        query.finish();
        database.closeThreadConnection();
        return rows;
    };
    const QStringList source
        = read(sourcePath, QStringLiteral("SELECT id, name, value FROM parcel ORDER BY id"));
    const QStringList target
        = read(targetPath,
               QStringLiteral("SELECT source_id, name, value FROM parcel_copy ORDER BY source_id"));
    if (source == target)
        return true;
    *why = QStringLiteral("source has %1 rows, target %2; first difference at row %3")
               .arg(source.size())
               .arg(target.size())
               .arg([&] {
                   for (int i = 0; i < qMin(source.size(), target.size()); ++i)
                       if (source.at(i) != target.at(i))
                           return i;
                   return int(qMin(source.size(), target.size()));
               }());
    return false;
}
