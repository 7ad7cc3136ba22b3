#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tf::json {

// Parses a request body that must be a JSON object. Throws tf::Error(BadRequest) naming the
// parser's complaint and the byte offset, e.g. "malformed JSON at offset 17: missing value".
QJsonObject parseObject(const QByteArray &body);

// Compact UTF-8 serialisation used for every API answer and stored JSON column.
QByteArray compact(const QJsonObject &object);
QByteArray compact(const QJsonArray &array);

} // namespace tf::json
