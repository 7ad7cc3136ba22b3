// OgcapiConnector's settings check, on its own: SystemDefinition calls it at definition time,
// so it must not pull the connector's HTTP machinery into what links the definitions (the
// fuzz targets' code list, tests/fuzz/fuzz.cmake).
#include "ogcapiconnector.h"

#include <QJsonValue>
#include <QRegularExpression>

namespace tf::sync {

QList<QPair<QString, QString>> OgcapiConnector::settingsProblems(const QJsonObject &settings)
{
    QList<QPair<QString, QString>> problems;
    const QJsonValue protocol = settings.value(QStringLiteral("protocol"));
    if (!protocol.isUndefined() && protocol != QJsonValue(QStringLiteral("ogcapi")) && protocol != QJsonValue(QStringLiteral("wfs")))
        problems.append({ QStringLiteral("protocol"), QStringLiteral("must be \"ogcapi\" (OGC API Features, the default) or \"wfs\" (WFS 2.0)") });
    const QJsonValue idProperty = settings.value(QStringLiteral("id_property"));
    if (!idProperty.isUndefined() && (!idProperty.isString() || idProperty.toString().trimmed().isEmpty()))
        problems.append({ QStringLiteral("id_property"), QStringLiteral("must be a property name") });
    else if (protocol == QJsonValue(QStringLiteral("wfs")) && idProperty.isUndefined())
        problems.append({ QStringLiteral("id_property"), QStringLiteral("is required with protocol \"wfs\" (the property that identifies a feature, its sort key)") });
    const QJsonValue extra = settings.value(QStringLiteral("wfs_parameters"));
    if (!extra.isUndefined()) {
        static const QRegularExpression secretLike(QStringLiteral("token|key|pass|secret|auth|sig"), QRegularExpression::CaseInsensitiveOption);
        static const QStringList reserved { QStringLiteral("service"), QStringLiteral("version"), QStringLiteral("request"),
                                            QStringLiteral("typenames"), QStringLiteral("outputformat"), QStringLiteral("startindex"),
                                            QStringLiteral("count"), QStringLiteral("sortby"), QStringLiteral("resulttype") };
        const QJsonObject object = extra.toObject();
        if (!extra.isObject())
            problems.append({ QStringLiteral("wfs_parameters"), QStringLiteral("must be an object of text values, e.g. {\"map\": \"parcels\"}") });
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString field = QStringLiteral("wfs_parameters.") + it.key();
            if (!it.value().isString())
                problems.append({ field, QStringLiteral("must be text") });
            else if (reserved.contains(it.key().toLower()))
                problems.append({ field, QStringLiteral("is set by the connector itself") });
            else if (it.key().contains(secretLike))
                problems.append({ field, QStringLiteral("looks like a secret; put a token in credentials.token (a URL is logged)") });
        }
    }
    return problems;
}

} // namespace tf::sync
