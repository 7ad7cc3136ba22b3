#pragma once

#include <QJsonObject>
#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QTableView;
class QToolButton;

namespace tf::console {

class GatewayClient;
class Permissions;
class ResourceFilterModel;
class ResourceTableModel;
struct ApiResult;

// What the Users and API tokens panels share: a sortable table over a ResourceTableModel,
// a row of tool buttons, a message line, the list refresh (skipped, with a line naming the
// permission, when the caller may not read), and the If-Match write: read the resource for a
// fresh ETag, then send the change with it.
class ResourcePanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourcePanel)

public:
    ResourceTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLabel *message() const { return m_message; }
    // The selected row's resource, empty when none.
    QJsonObject selected() const;
    bool select(qint64 id);

public slots:
    void refresh();
    // Empties the table (signed out, or held back) and says why.
    void clear(const QString &why);

signals:
    void refreshed(bool ok);
    // A write (create, change, delete) was answered.
    void actionFinished(bool ok);

protected:
    ResourcePanel(GatewayClient *client, Permissions *permissions, ResourceTableModel *model,
                  const QString &path, const QString &readPermission, QWidget *parent);

    GatewayClient *client() const { return m_client; }
    Permissions *permissions() const { return m_permissions; }
    QString path() const { return m_path; }
    QToolButton *addButton(QAction *action, const QString &name);
    // Enabled only with the permission (else disabled, the tooltip naming it) and, when
    // needsSelection, while a row is selected.
    void bindWrite(QAction *action, const QString &permission, bool needsSelection);
    // Reads path/<id> for its ETag, then calls write with it (a failed read is reported).
    void withEtag(qint64 id, const QString &what,
                  std::function<void(const QByteArray &etag)> write);
    // Shows "<what>: done" or the gateway's words, and emits actionFinished.
    void report(const ApiResult &result, const QString &done, const QString &what);
    virtual void selectionChanged() { }

private:
    void updateActions();

    GatewayClient *m_client;
    Permissions *m_permissions;
    ResourceTableModel *m_model;
    ResourceFilterModel *m_filter;
    QTableView *m_table;
    QLabel *m_message;
    QWidget *m_bar;
    QString m_path;
    QString m_readPermission;
    QList<QAction *> m_needSelection;
    bool m_inFlight = false;
    bool m_again = false;
    bool m_sized = false;
};

} // namespace tf::console
