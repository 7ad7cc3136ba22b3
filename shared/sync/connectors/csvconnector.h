#pragma once

#include "fileconnector.h"

namespace tf::sync {

// CSV files (RFC 4180), one entity per file. settings.settings: "path", "delimiter" (one
// character, default ","), "columns" (types; undeclared columns are Text), "key".
//
// Reading: the first record is the header; an empty unquoted field is NULL, a quoted empty
// field ("") the empty string. Writing: a header row, quotes only where needed, CRLF line
// ends, NULL as an empty field and the empty string as "", values as files::formatValue.
class CsvConnector final : public FileConnector
{
public:
    // Throws tf::Error(Validation) naming the field of a bad setting.
    explicit CsvConnector(const SystemSettings &settings);

protected:
    QStringList extensions() const override;
    Schema readSchema(const QString &path) override;
    std::unique_ptr<files::FileRowReader> openReader(const QString &path, const Schema &schema) override;
    QByteArray header(const Schema &schema) const override;
    void appendRow(QByteArray *out, const Row &row, const Schema &schema) const override;

private:
    void appendField(QByteArray *out, const QString &text) const;
};

} // namespace tf::sync
