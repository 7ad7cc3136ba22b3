#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace tf::sync::gis {

// What a WFS 2.0 GetCapabilities document says about reading one feature type page by page.
struct WfsCapabilities
{
    bool resultPaging = false;  // ows:Constraint ImplementsResultPaging (STARTINDEX/COUNT)
    bool sorting = false;       // fes:Constraint ImplementsSorting (SORTBY)
    int countDefault = 0;       // ows:Constraint CountDefault: the most features a page holds (0: none said)
    QString geojsonFormat;      // the GetFeature outputFormat value naming GeoJSON, empty when none is offered
    QStringList typeNames;      // the feature types listed (FeatureTypeList Name, as written)

    // Throws tf::Error(Validation) when the document is not a WFS capabilities document.
    static WfsCapabilities parse(const QByteArray &xml);
};

// The text of an OGC ows:ExceptionReport (its ExceptionText), or empty for any other document.
QString owsExceptionText(const QByteArray &xml);

// The numberMatched attribute of a wfs:FeatureCollection (a RESULTTYPE=hits answer);
// nullopt when it is "unknown" or absent. Throws tf::Error(Validation) on an ows:ExceptionReport.
std::optional<qint64> wfsNumberMatched(const QByteArray &xml);

} // namespace tf::sync::gis
