#include "filetargetfile.h"

#include "core/errors.h"

#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace tf::sync::files {

namespace {

// The rename is durable only once the folder's entry is on disk too.
void syncFolder(const QString &path)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(path);
#endif
}

} // namespace

FileTargetFile::FileTargetFile(const QString &path)
    : m_path(path)
    , m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly))
        fail(QStringLiteral("cannot create a temporary file beside"));
}

void FileTargetFile::fail(const QString &what)
{
    const QString reason = m_file.errorString();
    m_file.cancelWriting();
    throw Error(Error::Kind::Unavailable, QStringLiteral("%1 %2: %3").arg(what, m_path, reason),
                QJsonObject { { QStringLiteral("path"), m_path } });
}

void FileTargetFile::write(const QByteArray &bytes)
{
    if (m_file.write(bytes) != bytes.size())
        fail(QStringLiteral("cannot write the new content of"));
}

void FileTargetFile::commit()
{
    // QSaveFile::commit() flushes, fsyncs the temporary file and renames it over the target.
    if (!m_file.commit()) {
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot replace %1: %2").arg(m_path, m_file.errorString()),
                    QJsonObject { { QStringLiteral("path"), m_path } });
    }
    syncFolder(m_path);
}

void FileTargetFile::cancel()
{
    m_file.cancelWriting();
    m_file.commit(); // after cancelWriting() this only discards the temporary file
}

} // namespace tf::sync::files
