// The JSON Lines reader: a file's schema is inferred from its lines, then every row is read
// with that schema (strict keys). Any bytes either read or throw tf::Error(Validation); a row
// always has one value per column. The reader opens a path, so each input is written to one
// file of this process first.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "sync/connectors/jsonlrowreader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

namespace {

// One file per process, removed at exit.
struct InputFile
{
    QString path;
    ~InputFile() { QFile::remove(path); }
};

const QString &inputPath()
{
    static const InputFile file { (QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm") : QDir::tempPath())
                                  + QStringLiteral("/tf-fuzz-jsonl-") + QString::number(::getpid())
                                  + QStringLiteral(".jsonl") };
    return file.path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QFile file(inputPath());
    TF_FUZZ_REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate), "cannot write the input file");
    file.write(reinterpret_cast<const char *>(data), qint64(size));
    file.close();
    try {
        const tf::sync::Schema schema = tf::sync::files::inferJsonlSchema(inputPath(), 100);
        tf::sync::files::JsonlRowReader reader(inputPath(), schema, true);
        tf::sync::Row row;
        while (reader.next(&row)) {
            TF_FUZZ_REQUIRE(row.size() == schema.size(), "a row does not have one value per column");
            for (int i = 0; i < row.size(); ++i) {
                TF_FUZZ_REQUIRE(!tf::sync::unreadableOf(row.at(i)), "an unreadable value under an inferred schema");
                if (schema.at(i).type != tf::sync::ValueType::Json || !row.at(i).isValid())
                    continue;
                // JSON columns carry the member's text as the line holds it: it must be JSON.
                const QByteArray text = "[" + row.at(i).toString().toUtf8() + "]";
                QJsonParseError parseError;
                const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
                TF_FUZZ_REQUIRE(parseError.error == QJsonParseError::NoError && document.array().size() == 1,
                                "a JSON column's text is not one JSON value");
            }
        }
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "bad JSON Lines is not a validation error");
    }
    return 0;
}
