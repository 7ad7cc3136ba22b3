// The reading half of MysqlConnector: reads in one consistent snapshot, on a thread and
// connection of their own a batch or two ahead of the engine (readAll, readSince,
// readKeyHashes: PrefetchingBatchSource, as PgReader does). A read from the start is one
// streamed SELECT on libmariadb (mysqlstream.h); a read past a position (a checkpoint) goes by
// keyset pages through QMYSQL (pagedRead), whose bound values the position needs.
#include "core/errors.h"
#include "mysqlconnector.h"
#include "mysqlpagedread.h"
#include "mysqlsession.h"
#include "mysqlstream.h"
#include "mysqlvalues.h"
#include "prefetchingreader.h"

namespace tf::sync {

using mysql::ColumnInfo;
using mysql::Session;

namespace mysql {

QString positionPredicate(const PagedRead &read, const QVariantList &after, QVariantList *values)
{
    const int n = int(qMin(read.order.size(), after.size()));
    // Innermost first: c_n > v_n, then c_i > v_i OR (c_i = v_i AND <inner>).
    QString inner;
    QVariantList innerValues;
    for (int i = n - 1; i >= 0; --i) {
        const ColumnInfo &c = read.order.at(i);
        const QString q = Session::quote(c.name);
        const QString p = parameterExpression(c);
        const QVariant v = toParameter(after.at(i), c.type);
        const bool nullPosition = after.at(i).isNull() || !after.at(i).isValid();
        if (i == 0 && read.nullsFirst && nullPosition) {
            QString predicate = QStringLiteral("%1 IS NOT NULL").arg(q);
            if (!inner.isEmpty())
                predicate = QStringLiteral("(%1 IS NULL AND (%2)) OR %3").arg(q, inner, predicate);
            inner = predicate;
            continue;
        }
        if (inner.isEmpty()) {
            inner = QStringLiteral("%1 > %2").arg(q, p);
            innerValues = { v };
        } else {
            inner = QStringLiteral("%1 > %2 OR (%1 = %2 AND (%3))").arg(q, p, inner);
            innerValues = QVariantList { v, v } + innerValues;
        }
    }
    *values << innerValues;
    return inner;
}

void pagedRead(Session &session, const PagedRead &read, const std::function<bool(QSqlQuery &)> &row)
{
    QStringList orderNames;
    QStringList select = read.select;
    for (const ColumnInfo &c : read.order) {
        orderNames << Session::quote(c.name);
        select << mysql::readExpression(c, session.settings().zeroDate);
    }
    const int firstOrder = int(read.select.size());
    const QString head = QStringLiteral("SELECT %1 FROM %2").arg(select.join(QStringLiteral(", ")), Session::quote(read.table));
    const QString tail = (orderNames.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + orderNames.join(QStringLiteral(", ")))
        + (orderNames.isEmpty() ? QString() : QStringLiteral(" LIMIT ?"));
    mysql::SessionTransaction snapshot(session, Session::Role::Read, true);
    bindZeroDate(session);
    std::optional<QVariantList> position = read.after;
    for (;;) {
        QVariantList values;
        QString sql = head;
        if (position) {
            const QString predicate = mysql::positionPredicate(read, *position, &values);
            if (!predicate.isEmpty())
                sql += QStringLiteral(" WHERE ") + predicate;
        }
        sql += tail;
        if (!orderNames.isEmpty())
            values << read.pageSize;
        QSqlQuery query = session.run(Session::Role::Read, sql, values, "reading rows");
        int rows = 0;
        QVariantList lastPosition;
        while (query.next()) {
            ++rows;
            lastPosition.clear();
            for (int i = 0; i < read.order.size(); ++i) {
                const QVariant value = mysql::fromText(query.value(firstOrder + i), read.order.at(i), read.entity);
                if (unreadableOf(value)) {
                    throw Error(Error::Kind::Validation,
                                QStringLiteral("table '%1': key column '%2' holds '%3', which cannot be read: %4")
                                    .arg(read.entity, read.order.at(i).name, unreadableOf(value)->text, unreadableOf(value)->reason));
                }
                lastPosition << value;
            }
            if (!row(query))
                return;
        }
        if (orderNames.isEmpty() || rows < read.pageSize)
            break;
        position = lastPosition;
    }
    snapshot.commit();
}

void bindZeroDate(Session &session)
{
    const ZeroDate &zero = session.settings().zeroDate;
    if (!zero.mapped)
        return;
    session.run(Session::Role::Read, QStringLiteral("SET %1 = ?").arg(zeroDateVariable()),
                { zero.date.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(zero.date) }, "setting zero_date");
}

} // namespace mysql

namespace {

// The text fields of a read's current row, from a paged read (QMYSQL) or a streamed one
// (libmariadb), converted by the same rules (mysql::fromText).
class RowText final
{
public:
    explicit RowText(QSqlQuery &query)
        : m_query(&query)
    { }
    RowText(const char *const *fields, const unsigned long *lengths)
        : m_fields(fields)
        , m_lengths(lengths)
    { }

    // Field i as a value of `column`; with a hasher, also added to the row's hash (from the
    // field's bytes where they are the value's hash text).
    QVariant value(int i, const ColumnInfo &column, const QString &entity, mysql::RowHasher *hasher = nullptr) const
    {
        if (m_query) {
            QVariant value = mysql::fromText(m_query->value(i), column, entity);
            if (hasher)
                hasher->add(value, column.type);
            return value;
        }
        bool bytesAreHashText = false;
        QVariant value = mysql::fromText(m_fields[i], qsizetype(m_lengths[i]), column, entity, &bytesAreHashText);
        if (hasher) {
            if (bytesAreHashText)
                hasher->addText(m_fields[i], qsizetype(m_lengths[i]), column.type);
            else
                hasher->add(value, column.type);
        }
        return value;
    }
    // An ASCII field (a row hash) as bytes.
    QByteArray ascii(int i) const
    {
        return m_query ? m_query->value(i).toString().toLatin1() : QByteArray(m_fields[i], qsizetype(m_lengths[i]));
    }

private:
    QSqlQuery *m_query = nullptr;
    const char *const *m_fields = nullptr;
    const unsigned long *m_lengths = nullptr;
};

using ToRow = std::function<Row(const RowText &, QByteArray *)>;

// `read` from its start as one SELECT ordered by the order columns, streamed (StreamedRead):
// the same select list, snapshot, zero-date binding and key checks as pagedRead.
void streamedRead(const mysql::Settings &settings, const mysql::PagedRead &read, const ToRow &toRow,
                  const pg::RowSink &addRow)
{
    // The order columns' text is checked (a key that cannot be read stops the read, as in
    // pagedRead); one already selected with the same expression is not selected twice.
    const bool byColumns = !read.columns.isEmpty() && read.columns.size() == read.select.size();
    QStringList select;
    if (byColumns) {
        for (const ColumnInfo &c : read.columns)
            select << mysql::streamExpression(c, settings.zeroDate);
    } else {
        select = read.select;
    }
    QStringList orderNames;
    QList<int> orderFields;
    for (const ColumnInfo &c : read.order) {
        orderNames << Session::quote(c.name);
        const QString expression = byColumns ? mysql::streamExpression(c, settings.zeroDate)
                                             : mysql::readExpression(c, settings.zeroDate);
        qsizetype field = select.indexOf(expression);
        if (field < 0) {
            field = select.size();
            select << expression;
        }
        orderFields << int(field);
    }
    const QString sql = QStringLiteral("SELECT %1 FROM %2").arg(select.join(QStringLiteral(", ")), Session::quote(read.table))
        + (orderNames.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + orderNames.join(QStringLiteral(", ")));
    mysql::StreamedRead stream(settings);
    const bool complete = stream.run(sql, [&](const char *const *fields, const unsigned long *lengths) {
        for (int i = 0; i < read.order.size(); ++i) {
            const int field = orderFields.at(i);
            const QVariant value = mysql::fromText(fields[field], qsizetype(lengths[field]), read.order.at(i), read.entity);
            if (unreadableOf(value)) {
                throw Error(Error::Kind::Validation,
                            QStringLiteral("table '%1': key column '%2' holds '%3', which cannot be read: %4")
                                .arg(read.entity, read.order.at(i).name, unreadableOf(value)->text, unreadableOf(value)->reason));
            }
        }
        QByteArray hash;
        Row row = toRow(RowText(fields, lengths), &hash);
        return addRow(std::move(row), std::move(hash));
    });
    if (!complete)
        return;
    if (read.checksum) {
        // In the same snapshot as the rows (START TRANSACTION WITH CONSISTENT SNAPSHOT), after
        // them: the last rows go on first, so the table's scan overlaps their writing instead of
        // holding up the first rows (385 ms per 1M rows).
        addRow(Row(), QByteArray());
        stream.run(QStringLiteral("CHECKSUM TABLE %1").arg(Session::quote(read.table)),
                   [&](const char *const *fields, const unsigned long *lengths) {
                       if (fields[1])
                           read.checksum->value = QString::fromLatin1(fields[1], qsizetype(lengths[1]));
                       return true;
                   });
    }
    stream.commit();
    if (read.checksum)
        read.checksum->complete = true;
}

// Runs `read` on a thread of its own with a connection of its own, closed when the read ends,
// at most two batches of `batchSize` ahead of `sink`: streamed when it starts at the beginning
// and `streamed` is on, else by keyset pages. `toRow` turns the current row into a row and,
// for key-hash reads, its hash. Errors and early stops behave as a read on the calling thread
// (PrefetchingBatchSource).
void prefetchedRead(const mysql::Settings &settings, const mysql::PagedRead &read, const SchemaPtr &schema,
                    bool streamed, const ToRow &toRow, const BatchSink &sink)
{
    pg::PrefetchingBatchSource::run(
        schema, read.pageSize,
        [&](const pg::RowSink &addRow) {
            if (streamed && !read.after) {
                streamedRead(settings, read, toRow, addRow);
                return;
            }
            mysql::Session session(settings);
            mysql::pagedRead(session, read, [&](QSqlQuery &query) {
                QByteArray hash;
                Row row = toRow(RowText(query), &hash);
                return addRow(std::move(row), std::move(hash));
            });
        },
        sink);
}

QList<ColumnInfo> orderOf(const mysql::Table &t, const QStringList &requested)
{
    const QStringList names = requested.isEmpty() ? t.description.keyColumns : requested;
    QList<ColumnInfo> order;
    for (const QString &name : names)
        order << t.column(name);
    return order;
}

// The selected columns of the current row (they come first), as a row; `withHashes`: with its
// hash as hashRow() computes it (ReadRequest::withSourceHashes), built on the reading thread
// from the fields' bytes where they are the values' hash text.
ToRow rowsOf(const QList<ColumnInfo> &columns, const QString &entity, bool withHashes)
{
    // One hasher for the read, whose rows come one at a time on its thread.
    const std::shared_ptr<mysql::RowHasher> hasher = withHashes ? std::make_shared<mysql::RowHasher>() : nullptr;
    return [columns, entity, hasher](const RowText &text, QByteArray *hash) {
        // Sized once and filled in place: appending took a QList growth check per value.
        Row row(columns.size());
        QVariant *values = row.data();
        if (hasher)
            hasher->clear();
        for (int i = 0; i < columns.size(); ++i)
            values[i] = text.value(i, columns.at(i), entity, hasher.get());
        if (hasher)
            *hash = hasher->take();
        return row;
    };
}

} // namespace

void MysqlConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const mysql::Table &t = table(request.entity);
    const QList<ColumnInfo> columns = selected(t, request.columns);
    QList<Column> schemaColumns;
    mysql::PagedRead read;
    read.table = request.entity;
    read.entity = request.entity;
    read.pageSize = qMax(1, request.batchSize);
    read.order = orderOf(t, request.keyColumns);
    for (const ColumnInfo &c : columns) {
        read.select << mysql::readExpression(c, m_session->settings().zeroDate);
        schemaColumns << t.description.schema.at(t.description.schema.indexOf(c.name));
    }
    read.columns = columns;
    // A checksum asked for this read (checksumNextRead): taken in the streamed read's snapshot.
    std::optional<TableChecksum> checksumAsked = std::exchange(m_nextReadChecksum, std::nullopt);
    if (checksumAsked && checksumAsked->checksum == request.entity && m_streamedReads)
        read.checksum = std::make_shared<mysql::ReadChecksum>();
    prefetchedRead(m_session->settings(), read, std::make_shared<const Schema>(schemaColumns), m_streamedReads,
                   rowsOf(columns, request.entity, request.withSourceHashes), sink);
    if (read.checksum && read.checksum->complete && !read.checksum->value.isEmpty())
        m_readChecksum = TableChecksum { read.checksum->value, checksumAsked->fingerprint };
}

void MysqlConnector::readKeyHashes(const ReadRequest &request, const KeyHashSink &sink)
{
    const mysql::Table &t = table(request.entity);
    mysql::PagedRead read;
    read.table = request.entity;
    read.entity = request.entity;
    read.pageSize = qMax(1, request.batchSize);
    read.order = orderOf(t, request.keyColumns);
    read.select << mysql::hashExpression(selected(t, request.columns), m_session->settings().zeroDate);
    // The keys travel as rows of the key columns, each with its hash (RowBatch::hashes).
    QList<Column> keySchema;
    for (const ColumnInfo &c : read.order)
        keySchema << t.description.schema.at(t.description.schema.indexOf(c.name));
    prefetchedRead(
        m_session->settings(), read, std::make_shared<const Schema>(keySchema), m_streamedReads,
        [&](const RowText &text, QByteArray *hash) {
            Row key;
            key.reserve(read.order.size());
            for (int i = 0; i < read.order.size(); ++i)
                key << text.value(1 + i, read.order.at(i), request.entity);
            *hash = text.ascii(0);
            return key;
        },
        [&](const RowBatch &batch) {
            QList<KeyHash> entries;
            entries.reserve(batch.rows.size());
            for (qsizetype i = 0; i < batch.rows.size(); ++i)
                entries << KeyHash { batch.rows.at(i), batch.hashes.at(i) };
            return sink(entries);
        });
}

QByteArray MysqlConnector::hashRow(const Row &row, const Schema &schema) const
{
    return mysql::hashRow(row, schema);
}

void MysqlConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink)
{
    const mysql::Table &t = table(request.entity);
    const QList<ColumnInfo> columns = selected(t, request.columns);
    const QList<ColumnInfo> keyColumns = orderOf(t, request.keyColumns);
    if (keyColumns.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("reading '%1' by key needs key columns").arg(request.entity));
    QStringList select;
    QList<Column> schemaColumns;
    for (const ColumnInfo &c : columns) {
        select << mysql::readExpression(c, m_session->settings().zeroDate);
        schemaColumns << t.description.schema.at(t.description.schema.indexOf(c.name));
    }
    QStringList names;
    QStringList params;
    for (const ColumnInfo &c : keyColumns) {
        names << Session::quote(c.name);
        params << mysql::parameterExpression(c);
    }
    const QString tuple = QLatin1Char('(') + params.join(QStringLiteral(", ")) + QLatin1Char(')');
    const SchemaPtr schema = std::make_shared<const Schema>(schemaColumns);
    mysql::bindZeroDate(*m_session);
    constexpr int kKeysPerStatement = 500;
    for (qsizetype start = 0; start < keys.size(); start += kKeysPerStatement) {
        const int count = int(qMin<qsizetype>(kKeysPerStatement, keys.size() - start));
        QVariantList values;
        for (int k = 0; k < count; ++k) {
            const KeyValues &key = keys.at(start + k);
            if (key.size() != keyColumns.size())
                throw Error(Error::Kind::Validation, QStringLiteral("a key of '%1' has %2 values for %3 key columns")
                                                         .arg(request.entity).arg(key.size()).arg(keyColumns.size()));
            for (int i = 0; i < key.size(); ++i)
                values << mysql::toParameter(key.at(i), keyColumns.at(i).type);
        }
        const QString sql = QStringLiteral("SELECT %1 FROM %2 WHERE (%3) IN (%4)")
                                .arg(select.join(QStringLiteral(", ")), Session::quote(request.entity),
                                     names.join(QStringLiteral(", ")), QStringList(count, tuple).join(QStringLiteral(", ")));
        QSqlQuery query = m_session->run(Session::Role::Read, sql, values, "reading rows by key");
        RowBatch batch { schema, {}, {} };
        while (query.next()) {
            Row row;
            for (int i = 0; i < columns.size(); ++i)
                row << mysql::fromText(query.value(i), columns.at(i), request.entity);
            batch.rows << row;
        }
        if (!batch.rows.isEmpty() && !sink(batch))
            return;
    }
}

void MysqlConnector::readSince(const ReadRequest &request, const QString &cursorColumn,
                               const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const mysql::Table &t = table(request.entity);
    const QList<ColumnInfo> columns = selected(t, request.columns);
    mysql::PagedRead read;
    read.table = request.entity;
    read.entity = request.entity;
    read.pageSize = qMax(1, request.batchSize);
    read.order = QList<ColumnInfo> { t.column(cursorColumn) } + orderOf(t, request.keyColumns);
    read.nullsFirst = true;
    if (after) {
        QVariantList position { after->cursor };
        position << after->key;
        read.after = position;
    }
    QList<Column> schemaColumns;
    for (const ColumnInfo &c : columns) {
        read.select << mysql::readExpression(c, m_session->settings().zeroDate);
        schemaColumns << t.description.schema.at(t.description.schema.indexOf(c.name));
    }
    prefetchedRead(m_session->settings(), read, std::make_shared<const Schema>(schemaColumns), m_streamedReads,
                   rowsOf(columns, request.entity, request.withSourceHashes), sink);
}

} // namespace tf::sync
