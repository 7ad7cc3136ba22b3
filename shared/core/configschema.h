#pragma once

#include <QSet>
#include <QString>

namespace tf::configschema {

// The INI keys the platform knows: every "key = value" line (commented out or not) under a
// [section] of resources/config/terrafusion.example.ini, compiled in. That file documents
// every key, so it is also the schema: a key missing from it is a typo.
const QSet<QString> &knownKeys(); // "section/key"

// Throws tf::Error(Validation) for the first key of `file` that is not known:
//   "config file F line N: unknown key [sync] workrs (did you mean workers?)".
void checkFile(const QString &file);

} // namespace tf::configschema
