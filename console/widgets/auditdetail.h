#pragma once

#include <QJsonObject>
#include <QWidget>

class QFormLayout;
class QLabel;
class QTreeWidget;

namespace tf::console {

// One audit entry: who (user, source address, user agent), what (action, result, target,
// description), the request id that ties it to the gateway's logs, its hashes, and the
// before/after states field by field, changed fields marked. A entry where the chain breaks
// is marked with the verifier's reason.
class AuditDetail final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditDetail)

public:
    explicit AuditDetail(QWidget *parent = nullptr);

    void setEntry(const QJsonObject &entry);
    QJsonObject entry() const { return m_entry; }
    // The chain breaks at this entry (shown when it is the one on display); 0 clears it.
    void setBroken(qint64 id, const QString &problem);

    QTreeWidget *diff() const { return m_diff; }
    // The fields whose value differs between previous_state and new_state, sorted.
    static QStringList changedFields(const QJsonObject &before, const QJsonObject &after);

private:
    void showBroken();

    QJsonObject m_entry;
    qint64 m_brokenId = 0;
    QString m_problem;
    QLabel *m_broken;
    QLabel *m_title;
    QFormLayout *m_form;
    QTreeWidget *m_diff;
};

} // namespace tf::console
