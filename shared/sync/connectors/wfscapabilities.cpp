#include "wfscapabilities.h"

#include "core/errors.h"

#include <QXmlStreamReader>

namespace tf::sync::gis {

namespace {

bool isTrue(const QString &text)
{
    return text.trimmed().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

} // namespace

QString owsExceptionText(const QByteArray &xml)
{
    if (!xml.contains("ExceptionReport"))
        return {};
    QXmlStreamReader reader(xml);
    bool report = false;
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (reader.name() == QLatin1String("ExceptionReport"))
            report = true;
        else if (report && reader.name() == QLatin1String("ExceptionText"))
            return reader.readElementText().simplified();
    }
    return report ? QStringLiteral("an exception report without text") : QString();
}

WfsCapabilities WfsCapabilities::parse(const QByteArray &xml)
{
    if (const QString problem = owsExceptionText(xml); !problem.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("WFS GetCapabilities failed: %1").arg(problem));
    WfsCapabilities caps;
    QXmlStreamReader reader(xml);
    QString constraint;      // name of the Constraint being read
    QString operation;       // name of the Operation being read
    QString parameter;       // name of the Parameter being read
    bool sawRoot = false;
    while (!reader.atEnd()) {
        const QXmlStreamReader::TokenType token = reader.readNext();
        if (token == QXmlStreamReader::EndElement) {
            if (reader.name() == QLatin1String("Constraint"))
                constraint.clear();
            else if (reader.name() == QLatin1String("Operation"))
                operation.clear();
            else if (reader.name() == QLatin1String("Parameter"))
                parameter.clear();
            continue;
        }
        if (token != QXmlStreamReader::StartElement)
            continue;
        const auto name = reader.name();
        if (!sawRoot) {
            sawRoot = true;
            if (name != QLatin1String("WFS_Capabilities"))
                throw Error(Error::Kind::Validation, QStringLiteral("WFS GetCapabilities answered <%1>, not WFS_Capabilities").arg(name));
        }
        if (name == QLatin1String("Constraint"))
            constraint = reader.attributes().value(QLatin1String("name")).toString();
        else if (name == QLatin1String("Operation"))
            operation = reader.attributes().value(QLatin1String("name")).toString();
        else if (name == QLatin1String("Parameter"))
            parameter = reader.attributes().value(QLatin1String("name")).toString();
        else if (name == QLatin1String("DefaultValue") && !constraint.isEmpty() && operation.isEmpty()) {
            const QString value = reader.readElementText();
            if (constraint == QLatin1String("ImplementsResultPaging"))
                caps.resultPaging = isTrue(value);
            else if (constraint == QLatin1String("ImplementsSorting"))
                caps.sorting = isTrue(value);
            else if (constraint == QLatin1String("CountDefault"))
                caps.countDefault = value.trimmed().toInt();
        } else if (name == QLatin1String("Value") && operation == QLatin1String("GetFeature")
                   && parameter.compare(QLatin1String("outputFormat"), Qt::CaseInsensitive) == 0) {
            const QString value = reader.readElementText().trimmed();
            if (caps.geojsonFormat.isEmpty() && value.contains(QLatin1String("geojson"), Qt::CaseInsensitive))
                caps.geojsonFormat = value;
        } else if (name == QLatin1String("Name") && operation.isEmpty() && constraint.isEmpty()) {
            caps.typeNames << reader.readElementText().trimmed();
        }
    }
    if (reader.hasError())
        throw Error(Error::Kind::Validation, QStringLiteral("WFS GetCapabilities is not well-formed XML: %1").arg(reader.errorString()));
    return caps;
}

std::optional<qint64> wfsNumberMatched(const QByteArray &xml)
{
    if (const QString problem = owsExceptionText(xml); !problem.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("WFS GetFeature (hits) failed: %1").arg(problem));
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (reader.name() != QLatin1String("FeatureCollection"))
            break;
        bool ok = false;
        const qint64 matched = reader.attributes().value(QLatin1String("numberMatched")).toLongLong(&ok);
        return ok ? std::optional<qint64>(matched) : std::nullopt;
    }
    throw Error(Error::Kind::Validation, QStringLiteral("WFS GetFeature (hits) did not answer a wfs:FeatureCollection"));
}

} // namespace tf::sync::gis
