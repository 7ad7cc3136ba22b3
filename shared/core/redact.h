#pragma once

#include <QString>

namespace tf {

// Removes secrets from text bound for a log line or an API answer: passwords in URLs
// (scheme://user:secret@host), key=value and "key": "value" pairs whose key names a secret
// (password, secret, token, api_key, credentials...), and Authorization bearer tokens.
QString redactSecrets(const QString &text);

// postgresql://user:secret@host/db -> postgresql://user:***@host/db
QString redactUrl(const QString &url);

} // namespace tf
