#pragma once

#include <QSaveFile>
#include <QString>

namespace tf::sync::files {

// The new content of one target file, written beside it and swapped in whole: commit()
// flushes, fsyncs, renames over the target and fsyncs the folder, so a reader sees the old
// file or the new one, never half of one. Destroyed without commit(), the temporary file
// is removed and the old file stays as it was.
class FileTargetFile final
{
    Q_DISABLE_COPY_MOVE(FileTargetFile)
public:
    // Throws tf::Error(Unavailable) when the temporary file cannot be created.
    explicit FileTargetFile(const QString &path);

    void write(const QByteArray &bytes);  // throws tf::Error(Unavailable) on a failed write
    void commit();                        // throws tf::Error(Unavailable); the old file stays
    void cancel();

    const QString &path() const { return m_path; }

private:
    [[noreturn]] void fail(const QString &what);

    QString m_path;
    QSaveFile m_file;
};

} // namespace tf::sync::files
