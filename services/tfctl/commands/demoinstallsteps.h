#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>

namespace tf::db {
class Database;
}

namespace tf::tfctl {

class ToolContext;

// The steps `tfctl demo install` (PACS) and its --gis part share.
namespace demo {

inline const QString kPacsSystemName = QStringLiteral("PACS (demo)");
inline const QString kCamaSystemName = QStringLiteral("CAMA (demo)");

// A file compiled into the build from resources/demo (":/demo/..."); Internal when missing.
QByteArray resource(const QString &path);
// The id of the system with this name, or 0.
qint64 systemNamed(db::Database &control, const QString &name);
// Runs the statements of an SQL resource against url in one transaction.
void applySchema(const QString &url, const QString &resourcePath);
// Adds the pair (a resources/demo/pairs file with its systems set) and audits it; its id.
qint64 addPair(ToolContext &context, QJsonObject json, qint64 sourceId, qint64 targetId);
// "[  12.3s] text", flushed: the install's progress.
void step(const QElapsedTimer &clock, const QString &text);

} // namespace demo
} // namespace tf::tfctl
