#pragma once

#include "resourcepanel.h"

namespace tf::console {

// The active API tokens (GET /api/tokens): create one with a role and an expiry, whose secret
// is then shown once in a TokenSecretDialog and kept nowhere in the console; revoke one after
// a confirmation (If-Match).
class TokensPanel final : public ResourcePanel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokensPanel)

public:
    TokensPanel(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    QAction *createAction() const { return m_create; }
    QAction *revokeAction() const { return m_revoke; }

public slots:
    void createToken();
    void revokeToken();

private:
    QAction *m_create;
    QAction *m_revoke;
};

} // namespace tf::console
