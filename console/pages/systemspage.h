#pragma once

#include "dialogs/systemeditordialog.h"
#include "dialogs/systementitiesdialog.h"

#include <QJsonArray>
#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace tf::console {

class ChangePoller;
class GatewayClient;
class Permissions;
class SystemsModel;

// The systems sync pairs read from and write to (GET /api/systems): name, kind, where it
// points (never a secret), the pairs using it and the last connection test. New…, Edit… and
// Delete… (asking first, naming the pairs that use it) need pairs:write, and so does Test
// Connection (POST /api/systems/<id>/test, shown in the row while it runs); Browse Entities
// lists GET /api/systems/<id>/entities. A refresh updates the rows in place; with
// followChanges() the change feed triggers it.
class SystemsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SystemsPage)

public:
    SystemsPage(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    // Reads again when the change feed names a system or a pair (the "used by" column), or
    // asks for a reload: another administrator's edit shows without F5.
    void followChanges(ChangePoller *poller);

    SystemsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QAction *newAction() const { return m_new; }
    QAction *editAction() const { return m_edit; }
    QAction *deleteAction() const { return m_delete; }
    QAction *testAction() const { return m_test; }
    QAction *browseAction() const { return m_browse; }
    SystemEditorDialog *editor() const { return m_editor; }
    SystemEntitiesDialog *entitiesDialog() const { return m_entities; }
    QString statusText() const;
    qint64 selectedId() const;
    bool selectId(qint64 id);

public slots:
    void refresh();
    void newSystem();
    void editSelected();
    void deleteSelected();
    void testSelected();
    void browseSelected();

signals:
    void refreshed(bool ok);
    void editorOpened(tf::console::SystemEditorDialog *editor);
    void deleted(qint64 id, bool ok);
    void tested(qint64 id, bool ok);

protected:
    // Shown again: read again (a pair made meanwhile uses a system), in place.
    void showEvent(QShowEvent *event) override;

private:
    void openEditor(qint64 id);
    void showStatus(const QString &text, bool problem = false);
    void updateActions();

    GatewayClient *m_client;
    Permissions *m_permissions;
    SystemsModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_table;
    QLabel *m_status;
    QAction *m_new;
    QAction *m_edit;
    QAction *m_delete;
    QAction *m_test;
    QAction *m_browse;
    QPointer<SystemEditorDialog> m_editor;
    QPointer<SystemEntitiesDialog> m_entities;
    bool m_refreshing = false;
    bool m_refreshAgain = false; // asked for while one was under way: run once more after it
};

} // namespace tf::console
