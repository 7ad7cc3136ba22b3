#pragma once

#include "db/controldatabase.h"
#include "testsupport.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QTemporaryDir>
#include <memory>

// Several tf-syncd processes on one PostgreSQL control database, and the small SQLite
// source/target files their sync pairs move rows between.
class NodeCluster final
{
public:
    // Every node gets these [sync] settings (as TF_SYNC__* variables) on top of the defaults.
    NodeCluster(QString controlUrl, QHash<QString, QString> syncSettings);
    ~NodeCluster();

    tf::db::Database &control() { return m_control->database(); }
    // TF_SECRET_KEY of every node: another process on the same control database needs it too.
    static QString secretKey();
    QString dir() const { return m_dir.path(); }

    // A source file with table parcel(id, name, value) of `rows` rows.
    QString makeSource(const QString &name, int rows);
    // A target file with an empty parcel_copy(source_id, name, value), its system, and a
    // hash-mode pair from the source's system to it. Returns the pair id.
    qint64 addPair(const QString &name, qint64 sourceSystemId, int batchSize,
                   const QString &schedule = {});
    qint64 addSystem(const QString &name, const QString &path);

    // Every node started from now on also gets this variable (e.g. TF_NODE__HEARTBEAT_MS).
    void setNodeVariable(const QString &name, const QString &value) { m_variables.insert(name, value); }
    bool startNode(int index); // node-<index>
    tf::test::ServiceProcess &node(int index) { return *m_nodes.at(index); }
    QString nodeId(int index) const { return QStringLiteral("node-%1").arg(index); }
    int nodeCount() const { return int(m_nodes.size()); }
    QString baseUrl(int index) const;
    QString logs() const; // the last lines of every node's output

    // Source rows == target rows (id/source_id, name, value), in key order.
    static bool sameRows(const QString &sourcePath, const QString &targetPath, QString *why);
    QString targetPath(const QString &pairName) const;

private:
    QString m_controlUrl;
    QHash<QString, QString> m_syncSettings;
    QHash<QString, QString> m_variables;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    QList<tf::test::ServiceProcess *> m_nodes;
    QList<quint16> m_ports;
};
