#include "apierror.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace tf::console {

QString ApiError::message() const
{
    if (!detail.isEmpty())
        return detail;
    if (!title.isEmpty())
        return title;
    if (!code.isEmpty())
        return code;
    return {};
}

QString ApiError::messageFor(const QString &field) const
{
    for (const ApiFieldError &error : errors) {
        if (error.field == field)
            return error.message;
    }
    return {};
}

ApiError ApiError::fromProblem(int status, const QJsonObject &body)
{
    ApiError error;
    error.status = status;
    error.problem = body;
    error.code = body.value(QStringLiteral("code")).toString();
    error.title = body.value(QStringLiteral("title")).toString();
    error.detail = body.value(QStringLiteral("detail")).toString();
    error.instance = body.value(QStringLiteral("instance")).toString();
    const QJsonArray errors = body.value(QStringLiteral("errors")).toArray();
    for (const QJsonValue &value : errors) {
        const QJsonObject item = value.toObject();
        error.errors.append({ item.value(QStringLiteral("field")).toString(),
                              item.value(QStringLiteral("code")).toString(),
                              item.value(QStringLiteral("message")).toString() });
    }
    if (error.code.isEmpty()) // not a problem body (a proxy's error page): still an error
        error.code = QStringLiteral("http_%1").arg(status);
    if (error.title.isEmpty() && error.detail.isEmpty())
        error.title = QCoreApplication::translate("tf::console::ApiError", "The gateway answered HTTP %1.").arg(status);
    return error;
}

ApiError ApiError::transport(const QString &code, const QString &message)
{
    ApiError error;
    error.code = code;
    error.detail = message;
    return error;
}

} // namespace tf::console
