#pragma once

#include <QByteArray>
#include <QString>

namespace tf {

class SecretBox;

// A secret kept in the INI file sealed with the platform's SecretBox (as system credentials
// are in the control database): "sealed:" + base64 of the sealed bytes. `tfctl config seal`
// makes one; the service that reads the key opens it with the same data directory's key.
namespace sealedsetting {

QString seal(const SecretBox &box, const QByteArray &secret);
bool looksSealed(const QString &text);
// Throws tf::Error(Validation) for text that is not a sealed value or does not open with this
// key; the message never repeats the text.
QByteArray open(const SecretBox &box, const QString &text);

} // namespace sealedsetting
} // namespace tf
