#include "backupmanifest.h"

#include "core/errors.h"
#include "core/paths.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMutex>
#include <QSet>
#include <QRegularExpression>

namespace tf::ops {

namespace {

const QString kFormat = QStringLiteral("terrafusion-backup");
constexpr qint64 kBlock = 1 << 20;

[[noreturn]] void badManifest(const QString &what)
{
    throw Error(Error::Kind::Validation, QStringLiteral("manifest: %1").arg(what));
}

// "<hex>  <file name>" lines of a .sha256 file (sha256sum's format).
QHash<QString, QString> readChecksumFile(const QString &path, QString *problem)
{
    QHash<QString, QString> sums;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = QStringLiteral("no checksum file (%1)").arg(QFileInfo(path).fileName());
        return sums;
    }
    static const QRegularExpression line(QStringLiteral("^([0-9a-f]{64}) [ *](.+)$"));
    for (const QByteArray &raw : file.readAll().split('\n')) {
        const QString text = QString::fromUtf8(raw).trimmed();
        if (text.isEmpty())
            continue;
        const auto match = line.match(text);
        if (!match.hasMatch()) {
            *problem
                = QStringLiteral("checksum file %1 is malformed").arg(QFileInfo(path).fileName());
            return {};
        }
        sums.insert(match.captured(2), match.captured(1));
    }
    return sums;
}

struct CachedSum
{
    qint64 size = 0;
    QDateTime modified;
    QDateTime changed;
    QString sha256;
};

QMutex g_sumsMutex;
QHash<QString, CachedSum> g_sums;
QSet<QString> g_hashing; // paths a background hashing is running for

CachedSum sumEntry(const QFileInfo &file, const QString &sha256)
{
    return CachedSum { file.size(), file.lastModified(), file.metadataChangeTime(), sha256 };
}

// The cached SHA-256 of the file as it is now (same size and times), or "".
QString knownSha256(const QFileInfo &file)
{
    QMutexLocker lock(&g_sumsMutex);
    const auto it = g_sums.constFind(file.absoluteFilePath());
    if (it != g_sums.cend() && it->size == file.size() && it->modified == file.lastModified()
        && it->changed == file.metadataChangeTime())
        return it->sha256;
    return {};
}

void remember(const QFileInfo &file, const QString &sha256)
{
    QMutexLocker lock(&g_sumsMutex);
    if (g_sums.size() > 1000)
        g_sums.clear();
    g_sums.insert(file.absoluteFilePath(), sumEntry(file, sha256));
}

QString cachedSha256(const QFileInfo &file)
{
    const QString known = knownSha256(file);
    if (!known.isEmpty())
        return known;
    const QString sum = sha256OfFile(file.absoluteFilePath());
    remember(file, sum);
    return sum;
}

} // namespace

QJsonObject BackupManifest::toJson() const
{
    return QJsonObject {
        { QStringLiteral("format"), kFormat },
        { QStringLiteral("format_version"), kFormatVersion },
        { QStringLiteral("file"), file },
        { QStringLiteral("created_at"), createdAt.toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("backend"), backend },
        { QStringLiteral("schema_version"), schemaVersion },
        { QStringLiteral("label"), label },
        { QStringLiteral("kind"), kind },
        { QStringLiteral("size_bytes"), sizeBytes },
        { QStringLiteral("sha256"), sha256 },
        { QStringLiteral("row_counts"), rowCounts() },
        { QStringLiteral("tables"), tableChecksumsToJson(tables) },
        { QStringLiteral("tool"), tool },
        { QStringLiteral("host"), host },
        { QStringLiteral("program_version"), programVersion },
        { QStringLiteral("secret_key_sha256"), keySha256.isEmpty() ? QJsonValue() : QJsonValue(keySha256) },
    };
}

QJsonObject BackupManifest::rowCounts() const
{
    QJsonObject counts;
    for (auto it = tables.cbegin(); it != tables.cend(); ++it)
        counts.insert(it.key(), it->rows);
    return counts;
}

qint64 BackupManifest::totalRows() const
{
    qint64 total = 0;
    for (const TableChecksum &table : tables)
        total += table.rows;
    return total;
}

BackupManifest BackupManifest::fromJson(const QJsonObject &object)
{
    if (object.value(QStringLiteral("format")).toString() != kFormat)
        badManifest(QStringLiteral("not a TerraFusion backup manifest (format is not \"%1\")")
                        .arg(kFormat));
    const int formatVersion = object.value(QStringLiteral("format_version")).toInt();
    if (formatVersion < 1 || formatVersion > kFormatVersion)
        badManifest(QStringLiteral("format_version %1 is not one this program reads (1..%2)")
                        .arg(formatVersion)
                        .arg(kFormatVersion));
    BackupManifest manifest;
    manifest.file = object.value(QStringLiteral("file")).toString();
    manifest.createdAt = QDateTime::fromString(
        object.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs);
    manifest.backend = object.value(QStringLiteral("backend")).toString();
    manifest.schemaVersion = object.value(QStringLiteral("schema_version")).toInt();
    manifest.label = object.value(QStringLiteral("label")).toString();
    manifest.kind = object.value(QStringLiteral("kind")).toString();
    manifest.sizeBytes = object.value(QStringLiteral("size_bytes")).toInteger(-1);
    manifest.sha256 = object.value(QStringLiteral("sha256")).toString();
    manifest.tables = tableChecksumsFromJson(object.value(QStringLiteral("tables")).toObject());
    manifest.tool = object.value(QStringLiteral("tool")).toString();
    manifest.host = object.value(QStringLiteral("host")).toString();
    manifest.programVersion = object.value(QStringLiteral("program_version")).toString();
    manifest.keySha256 = object.value(QStringLiteral("secret_key_sha256")).toString();
    if (manifest.file.isEmpty())
        badManifest(QStringLiteral("no file name"));
    if (!manifest.createdAt.isValid())
        badManifest(QStringLiteral("created_at is missing or not an ISO time"));
    if (manifest.backend != QLatin1String("postgres")
        && manifest.backend != QLatin1String("sqlite"))
        badManifest(QStringLiteral("backend must be postgres or sqlite"));
    if (manifest.schemaVersion < 1)
        badManifest(QStringLiteral("schema_version is missing"));
    if (manifest.sizeBytes < 0)
        badManifest(QStringLiteral("size_bytes is missing"));
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex.match(manifest.sha256).hasMatch())
        badManifest(QStringLiteral("sha256 is not 64 hex digits"));
    if (manifest.tables.isEmpty())
        badManifest(QStringLiteral("no tables"));
    if (!manifest.keySha256.isEmpty() && !hex.match(manifest.keySha256).hasMatch())
        badManifest(QStringLiteral("secret_key_sha256 is not 64 hex digits"));
    return manifest;
}

bool isValidBackupName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$"));
    return pattern.match(name).hasMatch();
}

void checkBackupName(const QString &name)
{
    if (name.isEmpty())
        throw Error(Error::Kind::BadRequest, QStringLiteral("a backup name is required"));
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
        throw Error(Error::Kind::BadRequest,
                    QStringLiteral("backup name '%1' contains a path separator; give the file name "
                                   "inside the backups folder")
                        .arg(name.left(100)));
    if (name.startsWith(QLatin1Char('.')))
        throw Error(Error::Kind::BadRequest,
                    QStringLiteral("backup name '%1' starts with a dot").arg(name.left(100)));
    if (!isValidBackupName(name))
        throw Error(
            Error::Kind::BadRequest,
            QStringLiteral(
                "backup name '%1' may contain only letters, digits, '.', '_' and '-' (at most 200)")
                .arg(name.left(100)));
}

void checkBackupLabel(const QString &label)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,39}$"));
    if (!label.isEmpty() && !pattern.match(label).hasMatch())
        throw Error(
            Error::Kind::Validation,
            QStringLiteral(
                "label '%1' may contain only letters, digits, '.', '_' and '-' (at most 40, not "
                "starting with '.')")
                .arg(label.left(60)),
            QJsonObject { { QStringLiteral("field"), QStringLiteral("label") } });
}

QString backupExtension(const QString &backend)
{
    return backend == QLatin1String("postgres") ? QStringLiteral(".dump")
                                                : QStringLiteral(".sqlite");
}

bool isBackupDataFile(const QString &fileName)
{
    return isValidBackupName(fileName)
        && (fileName.endsWith(QLatin1String(".dump"))
            || fileName.endsWith(QLatin1String(".sqlite")));
}

ProgressFn progressSpan(const ProgressFn &progress, double from, double to)
{
    if (!progress)
        return {};
    return [progress, from, to](double fraction, const QString &message) {
        progress(from + (to - from) * qBound(0.0, fraction, 1.0), message);
    };
}

QString sha256OfFile(const QString &path, const ProgressFn &progress, double from, double to)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const qint64 size = file.size();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 done = 0;
    int blocks = 0;
    while (!file.atEnd()) {
        const QByteArray block = file.read(kBlock);
        if (block.isEmpty() && file.error() != QFileDevice::NoError)
            throw Error(Error::Kind::Unavailable,
                        QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        hash.addData(block);
        done += block.size();
        if (progress && size > 0 && ++blocks % 64 == 0)
            progress(from + (to - from) * double(done) / double(size),
                     QStringLiteral("checksumming %1 (%2 of %3 MiB)")
                         .arg(QFileInfo(path).fileName())
                         .arg(done >> 20)
                         .arg(size >> 20));
    }
    return QString::fromLatin1(hash.result().toHex());
}

void writeManifest(const BackupFiles &files, const BackupManifest &manifest)
{
    const QByteArray manifestBytes
        = QJsonDocument(manifest.toJson()).toJson(QJsonDocument::Indented);
    if (!paths::writeFileAtomically(files.manifestPath(), manifestBytes))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot write %1").arg(files.manifestPath()));
    const QString manifestSum = QString::fromLatin1(
        QCryptographicHash::hash(manifestBytes, QCryptographicHash::Sha256).toHex());
    const QString dataName = QFileInfo(files.dataPath).fileName();
    const QByteArray sums = QStringLiteral("%1  %2\n%3  %4\n")
                                .arg(manifest.sha256, dataName, manifestSum,
                                     QFileInfo(files.manifestPath()).fileName())
                                .toUtf8();
    if (!paths::writeFileAtomically(files.checksumPath(), sums))
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("cannot write %1").arg(files.checksumPath()));
}

namespace {

enum class Hashing { Now, Cached, Deferred };

BackupCheck inspectFiles(const BackupFiles &files, Hashing hashing, const ProgressFn &progress,
                  const BackgroundRunner &runner)
{
    BackupCheck check;
    const QFileInfo data(files.dataPath);
    const QString dataName = data.fileName();
    const QString manifestName = QFileInfo(files.manifestPath()).fileName();

    QFile manifestFile(files.manifestPath());
    if (!manifestFile.open(QIODevice::ReadOnly)) {
        check.problem = QStringLiteral("no manifest (%1 is missing)").arg(manifestName);
        return check;
    }
    const QByteArray manifestBytes = manifestFile.readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(manifestBytes, &parseError);
    if (!document.isObject()) {
        check.problem = QStringLiteral("corrupted: manifest %1 is not valid JSON (%2 at offset %3)")
                            .arg(manifestName, parseError.errorString())
                            .arg(parseError.offset);
        return check;
    }
    try {
        check.manifest = BackupManifest::fromJson(document.object());
        check.manifestRead = true;
    } catch (const Error &error) {
        check.problem = QStringLiteral("corrupted: %1").arg(error.message());
        return check;
    }
    if (check.manifest.file != dataName) {
        check.problem
            = QStringLiteral("manifest describes %1, not %2").arg(check.manifest.file, dataName);
        return check;
    }
    QString sumsProblem;
    const QHash<QString, QString> sums = readChecksumFile(files.checksumPath(), &sumsProblem);
    if (!sumsProblem.isEmpty()) {
        check.problem = sumsProblem;
        return check;
    }
    const QString manifestSum = QString::fromLatin1(
        QCryptographicHash::hash(manifestBytes, QCryptographicHash::Sha256).toHex());
    if (sums.value(manifestName) != manifestSum) {
        check.problem = QStringLiteral("corrupted: the manifest does not match its SHA-256 in %1")
                            .arg(QFileInfo(files.checksumPath()).fileName());
        return check;
    }
    if (sums.value(dataName) != check.manifest.sha256) {
        check.problem
            = QStringLiteral("corrupted: the manifest and %1 disagree about the data's SHA-256")
                  .arg(QFileInfo(files.checksumPath()).fileName());
        return check;
    }
    if (!data.exists()) {
        check.problem = QStringLiteral("data file %1 is missing").arg(dataName);
        return check;
    }
    if (data.size() < check.manifest.sizeBytes) {
        check.problem = QStringLiteral("truncated: %1 is %2 bytes, the manifest says %3")
                            .arg(dataName)
                            .arg(data.size())
                            .arg(check.manifest.sizeBytes);
        return check;
    }
    if (data.size() > check.manifest.sizeBytes) {
        check.problem = QStringLiteral("corrupted: %1 is %2 bytes, the manifest says %3")
                            .arg(dataName)
                            .arg(data.size())
                            .arg(check.manifest.sizeBytes);
        return check;
    }
    QString actual;
    if (hashing == Hashing::Deferred) {
        actual = knownSha256(data);
        if (actual.isEmpty()) {
            const QString path = data.absoluteFilePath();
            bool start = false;
            {
                QMutexLocker lock(&g_sumsMutex);
                start = !g_hashing.contains(path);
                g_hashing.insert(path);
            }
            if (start) {
                runner([path] {
                    try {
                        cachedSha256(QFileInfo(path));
                    } catch (...) { // a file removed meanwhile: the next listing says so
                    }
                    QMutexLocker lock(&g_sumsMutex);
                    g_hashing.remove(path);
                });
            }
            check.pending = true;
            return check;
        }
    } else {
        actual = hashing == Hashing::Cached ? cachedSha256(data) : sha256OfFile(files.dataPath, progress);
    }
    if (actual != check.manifest.sha256) {
        check.problem = QStringLiteral("corrupted: the SHA-256 of %1 is %2, the manifest says %3")
                            .arg(dataName, actual.left(16) + QStringLiteral("..."),
                                 check.manifest.sha256.left(16) + QStringLiteral("..."));
        return check;
    }
    // The key travels with the data: a backup that says it holds one must have it intact.
    if (!check.manifest.keySha256.isEmpty()) {
        const QString keyName = QFileInfo(files.keyPath()).fileName();
        if (!QFileInfo::exists(files.keyPath())) {
            check.problem = QStringLiteral("the secret key %1 is missing").arg(keyName);
            return check;
        }
        if (sha256OfFile(files.keyPath()) != check.manifest.keySha256) {
            check.problem = QStringLiteral("corrupted: the secret key %1 does not match the manifest").arg(keyName);
            return check;
        }
    }
    return check;
}

} // namespace

BackupCheck checkBackupFiles(const BackupFiles &files, bool useCache, const ProgressFn &progress)
{
    return inspectFiles(files, useCache ? Hashing::Cached : Hashing::Now, progress, {});
}

BackupCheck checkBackupFilesDeferred(const BackupFiles &files, const BackgroundRunner &runner)
{
    return inspectFiles(files, Hashing::Deferred, {}, runner);
}

void rememberSha256(const QString &path, const QString &sha256)
{
    remember(QFileInfo(path), sha256);
}

} // namespace tf::ops
