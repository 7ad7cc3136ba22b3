#pragma once

#include <QString>

namespace tf::console {

// Whether this console and a gateway understand each other. They are incompatible when the
// major versions differ ("1.4.0" against "2.0.1") or the gateway does not serve API version
// v1, the only one this console speaks. An unknown server version (not answered yet) is not
// called incompatible: nothing is known.
struct Compatibility
{
    bool compatible = true;
    QString reason; // why not, for the About dialog's warning; empty when compatible

    static QString clientApiVersion() { return QStringLiteral("v1"); }
    static Compatibility check(const QString &clientVersion, const QString &serverVersion, const QString &serverApiVersion);
    // The leading number of "1.4.0" (-1 when there is none).
    static int majorOf(const QString &version);
};

} // namespace tf::console
