#pragma once

#include <QList>

class QAbstractItemModel;
class QIODevice;
class QSortFilterProxyModel;

namespace tf::console {

// Writes a table as CSV (RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF
// quoted, quotes doubled), UTF-8. The first line is the horizontal header, then the
// DisplayRole of every row.
//
// To export what a view shows, pass the QSortFilterProxyModel the view sits on (its rows
// in its order) and, as columns, the view's visible columns in visual order.
struct CsvExportOptions
{
    QList<int> columns; // the columns to write, in this order; empty: all of them
    bool header = true;
    bool byteOrderMark = false; // for spreadsheets that guess the encoding otherwise
};

bool exportCsv(const QAbstractItemModel &model, QIODevice &device,
               const CsvExportOptions &options = {});

// The rows of the proxy's source model that the proxy accepts, in source order.
bool exportCsvAccepted(const QSortFilterProxyModel &filter, QIODevice &device,
                       const CsvExportOptions &options = {});

// One field, quoted when it must be.
QByteArray csvField(const QString &text);

} // namespace tf::console
