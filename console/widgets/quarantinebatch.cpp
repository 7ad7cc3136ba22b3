#include "quarantinebatch.h"

#include "client/gatewayclient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMessageBox>
#include <QProgressDialog>

namespace tf::console {

QuarantineBatch::QuarantineBatch(GatewayClient *client, QWidget *page)
    : QObject(page)
    , m_client(client)
    , m_page(page)
{
}

bool QuarantineBatch::confirmReplay(int count) const
{
    return count <= 1
        || QMessageBox::question(m_page, tr("Replay Quarantined Rows"),
                                 tr("Replay %1 quarantined rows through validation into the target?").arg(count))
        == QMessageBox::Yes;
}

bool QuarantineBatch::confirmDiscard(int count) const
{
    return QMessageBox::question(m_page, tr("Discard Quarantined Rows"),
                                 count == 1 ? tr("Discard 1 quarantined row? It is not written to the target.")
                                            : tr("Discard %1 quarantined rows? They are not written to the target.").arg(count))
        == QMessageBox::Yes;
}

void QuarantineBatch::start(Kind kind, const QList<qint64> &ids)
{
    m_kind = kind;
    m_ids = ids;
    m_done = 0;
    m_failed = 0;
    m_errors.clear();
    if (ids.size() > 1) {
        m_progress = new QProgressDialog(kind == Kind::Replay ? tr("Replaying quarantined rows...")
                                                              : tr("Discarding quarantined rows..."),
                                         tr("Cancel"), 0, int(ids.size()), m_page);
        m_progress->setObjectName(QStringLiteral("batchProgress"));
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(0);
        m_progress->setAutoClose(false);
        m_progress->setAutoReset(false);
        m_progress->setValue(0);
    }
    emit started();
    runNext();
}

void QuarantineBatch::runNext()
{
    const bool cancelled = m_progress && m_progress->wasCanceled();
    if (cancelled || m_done >= m_ids.size()) {
        const int succeeded = m_done - m_failed;
        const int total = int(m_ids.size());
        if (m_progress) {
            m_progress->close();
            m_progress->deleteLater();
        }
        m_ids.clear();
        QString text = m_kind == Kind::Replay ? tr("Replayed %1 of %2 row(s).").arg(succeeded).arg(total)
                                              : tr("Discarded %1 of %2 row(s).").arg(succeeded).arg(total);
        if (cancelled)
            text += QLatin1Char(' ') + tr("Cancelled after %n row(s).", "", m_done);
        if (!m_errors.isEmpty())
            text += QLatin1Char(' ') + m_errors.join(QLatin1String("; "));
        emit finished(succeeded, m_failed, text);
        return;
    }
    const qint64 id = m_ids.at(m_done);
    const QString path = QStringLiteral("/api/quarantine/%1/%2")
                                 .arg(id)
                                 .arg(m_kind == Kind::Replay ? QStringLiteral("replay") : QStringLiteral("discard"));
    m_client->post(path, {}, this, [this, id](const ApiResult &reply) {
        bool ok = reply.ok();
        if (!ok) {
            m_errors << tr("#%1: %2").arg(id).arg(reply.error.message());
        } else if (m_kind == Kind::Replay) {
            const QJsonObject outcome = reply.object().value(QLatin1String("items")).toArray().first().toObject();
            ok = outcome.value(QLatin1String("replayed")).toBool();
            if (!ok) {
                QStringList why;
                for (const QJsonValue &error : outcome.value(QLatin1String("errors")).toArray())
                    why << tr("%1 %2: %3").arg(error.toObject().value(QLatin1String("rule")).toString(),
                                               error.toObject().value(QLatin1String("field")).toString(),
                                               error.toObject().value(QLatin1String("message")).toString());
                if (outcome.value(QLatin1String("error")).isString())
                    why << outcome.value(QLatin1String("error")).toString();
                m_errors << tr("#%1 still invalid: %2").arg(id).arg(why.join(QLatin1String(", ")));
            }
        }
        if (ok)
            emit rowDone(id);
        else
            ++m_failed;
        ++m_done;
        if (m_progress)
            m_progress->setValue(m_done);
        runNext();
    });
}

} // namespace tf::console
