#pragma once

#include "fileconnector.h"

namespace tf::sync {

// JSON Lines files (.jsonl, .ndjson): one JSON object per line, one entity per file.
// settings.settings: "path", "columns" (names and types), "key".
//
// Reading: values are typed by the declared columns; without them the columns and types
// come from the first 1000 lines (see files::inferJsonlSchema). Writing: one compact object
// per line with the keys in schema order; numbers stay numbers (a Double always with a '.'
// or an exponent, so it reads back as a Double), Json values are embedded as JSON, Decimal
// is a string (a JSON number would lose digits), others are strings as files::formatValue.
class JsonlConnector final : public FileConnector
{
public:
    // Throws tf::Error(Validation) naming the field of a bad setting.
    explicit JsonlConnector(const SystemSettings &settings);

    static constexpr int kSampleLines = 1000;

protected:
    QStringList extensions() const override;
    Schema readSchema(const QString &path) override;
    std::unique_ptr<files::FileRowReader> openReader(const QString &path, const Schema &schema) override;
    QByteArray header(const Schema &schema) const override;
    void appendRow(QByteArray *out, const Row &row, const Schema &schema) const override;
};

} // namespace tf::sync
