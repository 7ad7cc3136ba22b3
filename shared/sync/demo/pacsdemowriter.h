#pragma once

#include "pacsrowsink.h"

#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <array>

namespace tf::sync::demo {

// Writes the PACS-style legacy database: four tables shaped as SQL Server shows them
// (PascalCase, UNIQUEIDENTIFIER keys printed upper-case in braces, BIT flags, DATETIME text),
// no foreign keys (legacy systems rarely have them, which is how orphans happen), one
// transaction, one prepared statement per table.
class PacsDemoWriter final : public PacsRowSink
{
    Q_DISABLE_COPY_MOVE(PacsDemoWriter)
public:
    // Creates the file (which must not exist) and its tables; throws tf::Error on failure.
    explicit PacsDemoWriter(const QString &path);
    ~PacsDemoWriter() override; // rolls back unless committed, and closes

    static QString tableName(PacsTable table);
    static const QStringList &columns(PacsTable table);
    static QString keyColumn(PacsTable table) { return columns(table).first(); }
    static int columnIndex(PacsTable table, const QString &column);

    void insert(PacsTable table, const QVariantList &values) override;
    void commit();

private:
    void exec(const QString &sql);

    QString m_connectionName;
    std::array<QSqlQuery, 4> m_inserts;
    bool m_committed = false;
};

} // namespace tf::sync::demo
