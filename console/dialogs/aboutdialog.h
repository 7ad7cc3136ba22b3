#pragma once

#include <QDialog>

class QLabel;

namespace tf::console {

class GatewayClient;

// Help → About (F1): this console's version, the gateway's (GET /health), the API version it
// serves (v1 when GET /api/v1/status answers; asked only while signed in), the Qt version, and
// a warning when the two do not fit together (Compatibility: another major version, or not v1).
class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(GatewayClient *client, QWidget *parent = nullptr);

    QString serverVersion() const { return m_serverVersion; }
    QString serverApiVersion() const { return m_serverApi; }
    bool showsIncompatibility() const;

signals:
    // Both questions to the gateway were answered (or failed).
    void serverChecked();

private:
    void showCompatibility();
    void answered();

    QString m_serverVersion;
    QString m_serverApi;
    int m_pending = 0;
    QLabel *m_server;
    QLabel *m_api;
    QLabel *m_warning;
};

} // namespace tf::console
