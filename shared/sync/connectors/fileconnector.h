#pragma once

#include "filerowreader.h"
#include "filesettings.h"
#include "sync/connector.h"

#include <QHash>

#include <memory>

namespace tf::sync {

namespace files {
class FileTargetFile;
}

// What CSV and JSON Lines connectors share: settings, entities (a single file, or the files
// of a folder, named without their extension), streaming reads and whole-file writes.
//
// As a source, rows come in FILE ORDER: files are not sorted, so readAll ignores
// request.keyColumns (the engine's hash mode does not need an order). readByKeys scans the
// file once per call. readSince scans once and sorts the rows past the checkpoint, so its
// memory grows with the rows that changed, not with the file.
//
// As a target a file is rewritten whole each run: beginEntity() opens a temporary file beside
// it, apply() appends every upsert (deletes are no-ops: absent rows are simply not written),
// endEntity(true) swaps it in atomically, endEntity(false) drops it and keeps the old file.
// Files are not transactional: the sync state lives in the control database, in the
// StateStore the engine hands over with setStateStore().
class FileConnector : public SourceConnector, public TargetConnector
{
    Q_DISABLE_COPY_MOVE(FileConnector)
public:
    ~FileConnector() override;

    const files::FileSettings &settings() const { return m_settings; }
    // The file an entity lives in (it may not exist yet for a target).
    QString filePath(const QString &entity) const;

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    bool hashesAtSource() const override { return false; }
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) override;
    void readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const BatchSink &sink) override;

    bool isTransactional() const override { return false; }

    bool rewritesEntity() const override { return true; }
    void beginEntity(const QString &entity, SchemaPtr schema, const QStringList &keyColumns) override;
    void apply(const ChangeBatch &batch) override;
    void endEntity(const QString &entity, bool success) override;
    // The control database's store set by the engine; throws tf::Error(Internal) when unset.
    StateStore &stateStore() override;
    void setStateStore(StateStore *store) { m_stateStore = store; }
    // One scan of the file per call.
    QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                 const QList<QVariant> &values) override;

protected:
    FileConnector(const SystemSettings &settings, bool withDelimiter);

    // File name extensions of this format, without the dot; the first names new files.
    virtual QStringList extensions() const = 0;
    // The columns of an existing file (declared types applied).
    virtual Schema readSchema(const QString &path) = 0;
    virtual std::unique_ptr<files::FileRowReader> openReader(const QString &path, const Schema &schema) = 0;
    // Bytes that start a new file (CSV: the header row), and one row's bytes.
    virtual QByteArray header(const Schema &schema) const = 0;
    virtual void appendRow(QByteArray *out, const Row &row, const Schema &schema) const = 0;

private:
    struct Writer;
    // Calls visit(row) for each row of the entity in file order until it returns false.
    void scan(const QString &entity, const Schema &schema, const std::function<bool(const Row &)> &visit);

    files::FileSettings m_settings;
    StateStore *m_stateStore = nullptr;
    QHash<QString, std::shared_ptr<Writer>> m_writers;
};

} // namespace tf::sync
