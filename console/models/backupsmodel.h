#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Backups of the control database (GET /api/backups items, the Backup schema): name, time,
// size, backend, schema version and whether the file checks out (verified, or the problem).
// A backup is named, not numbered: rows are keyed by name (applyItemsKeyedBy), so a refresh
// keeps rows, selection and sort like every other model.
class BackupsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackupsModel)

public:
    enum Column {
        NameColumn,
        CreatedColumn,
        SizeColumn,
        BackendColumn,
        SchemaColumn,
        VerifiedColumn,
        LabelColumn,
        ColumnCount
    };

    explicit BackupsModel(QObject *parent = nullptr);

    void applyBackups(const QJsonArray &items);
    QString nameAt(int row) const;
    int rowOfName(const QString &name) const;

    // "3.2 MB" and the like, in powers of 1024.
    static QString sizeText(qint64 bytes);
};

} // namespace tf::console
