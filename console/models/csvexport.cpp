#include "csvexport.h"

#include <QAbstractItemModel>
#include <QIODevice>
#include <QSortFilterProxyModel>

namespace tf::console {

namespace {

bool writeLine(QIODevice &device, const QList<QByteArray> &fields)
{
    QByteArray line;
    for (int i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += ',';
        line += fields.at(i);
    }
    line += "\r\n";
    return device.write(line) == line.size();
}

QList<int> columnsToWrite(const QAbstractItemModel &model, const CsvExportOptions &options)
{
    if (!options.columns.isEmpty())
        return options.columns;
    QList<int> all;
    for (int c = 0; c < model.columnCount(); ++c)
        all.append(c);
    return all;
}

bool writeHeader(const QAbstractItemModel &model, QIODevice &device,
                 const CsvExportOptions &options, const QList<int> &columns)
{
    if (options.byteOrderMark && device.write("\xEF\xBB\xBF") != 3)
        return false;
    if (!options.header)
        return true;
    QList<QByteArray> fields;
    for (const int c : columns)
        fields.append(csvField(model.headerData(c, Qt::Horizontal).toString()));
    return writeLine(device, fields);
}

bool writeRow(const QAbstractItemModel &model, int row, QIODevice &device,
              const QList<int> &columns)
{
    QList<QByteArray> fields;
    for (const int c : columns)
        fields.append(csvField(model.index(row, c).data(Qt::DisplayRole).toString()));
    return writeLine(device, fields);
}

} // namespace

QByteArray csvField(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    const bool mustQuote
        = utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r');
    if (!mustQuote)
        return utf8;
    QByteArray quoted = utf8;
    quoted.replace('"', "\"\"");
    return '"' + quoted + '"';
}

bool exportCsv(const QAbstractItemModel &model, QIODevice &device, const CsvExportOptions &options)
{
    const QList<int> columns = columnsToWrite(model, options);
    if (!writeHeader(model, device, options, columns))
        return false;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (!writeRow(model, row, device, columns))
            return false;
    }
    return true;
}

bool exportCsvAccepted(const QSortFilterProxyModel &filter, QIODevice &device,
                       const CsvExportOptions &options)
{
    const QAbstractItemModel *source = filter.sourceModel();
    if (!source)
        return false;
    const QList<int> columns = columnsToWrite(*source, options);
    if (!writeHeader(*source, device, options, columns))
        return false;
    for (int row = 0; row < source->rowCount(); ++row) {
        if (!filter.mapFromSource(source->index(row, 0)).isValid())
            continue;
        if (!writeRow(*source, row, device, columns))
            return false;
    }
    return true;
}

} // namespace tf::console
