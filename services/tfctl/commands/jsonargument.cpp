#include "jsonargument.h"

#include "core/errors.h"
#include "core/jsonutil.h"

#include <QFile>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

QJsonObject readJsonArgument(const QString &path)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            throw Error(Error::Kind::Validation, QStringLiteral("cannot read standard input"));
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(Error::Kind::Validation, QStringLiteral("cannot read '%1': %2").arg(path, file.errorString()));
    }
    return json::parseObject(file.readAll());
}

void printJson(const QJsonObject &object)
{
    std::printf("%s", QJsonDocument(object).toJson(QJsonDocument::Indented).constData());
}

} // namespace tf::tfctl
