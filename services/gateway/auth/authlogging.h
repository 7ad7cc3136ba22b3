#pragma once

#include <QLoggingCategory>

// One category for the gateway's authentication (logins, bans, refusals). Never logs a
// password or a token: usernames, addresses and token ids only.
Q_DECLARE_LOGGING_CATEGORY(lcGatewayAuth)
