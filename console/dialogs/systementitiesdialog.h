#pragma once

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace tf::console {

class GatewayClient;

// The entities of one system (GET /api/systems/<id>/entities, every page): each entity with
// its key, and its columns (type, nullable) under it. Read when opened; the answer (or the
// API's error text) shows when it arrives.
class SystemEntitiesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SystemEntitiesDialog)

public:
    SystemEntitiesDialog(GatewayClient *client, qint64 systemId, const QString &systemName, QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }
    QString statusText() const;

signals:
    void loaded(bool ok);

private:
    QTreeWidget *m_tree;
    QLabel *m_status;
};

} // namespace tf::console
