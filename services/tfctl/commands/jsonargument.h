#pragma once

#include <QJsonObject>
#include <QString>

namespace tf::tfctl {

// The JSON object in the file at `path`, or on standard input for "-". Throws
// tf::Error(Validation) naming the file when it cannot be read or is not a JSON object.
QJsonObject readJsonArgument(const QString &path);

// Prints the object, indented, to standard output (the --json output of show and test).
void printJson(const QJsonObject &object);

} // namespace tf::tfctl
