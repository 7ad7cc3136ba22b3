#include "postgresfirstload.h"

#include "postgresblockstate.h"
#include "postgrescatalog.h"
#include "postgressession.h"
#include "postgrestypes.h"
#include "sync/byteappend.h"

#include <QHash>
#include <QMap>
#include <charconv>

namespace tf::sync::pg {

namespace {

QByteArray utf8(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    return bytes.isNull() ? QByteArrayLiteral("") : bytes;
}

// One block's sums as the delta trigger adds them: rows, rows with a typed hash, and the two
// halves of those hashes (as PgRanges::blockSums sums them at the source).
struct BlockDelta
{
    qint64 rows = 0;
    qint64 hashed = 0;
    qint64 a = 0;
    qint64 b = 0;
};

// floor(key / kStateBlockWidth), as literalBlock() in the trigger.
qint64 blockOf(qint64 key)
{
    return key >= 0 ? key / kStateBlockWidth : (key + 1) / kStateBlockWidth - 1;
}

// stateInteger() of a key's UTF-8 text: integer text is ASCII, so no UTF-8 copy is made.
std::optional<qint64> keyInteger(const QString &key, bool *outOfRange)
{
    *outOfRange = false;
    if (key.isEmpty() || key.size() > 20)
        return std::nullopt;
    char text[20];
    for (qsizetype i = 0; i < key.size(); ++i) {
        const char16_t c = key.at(i).unicode();
        if (c > 127)
            return std::nullopt;
        text[i] = char(c);
    }
    return stateInteger(QByteArrayView(text, key.size()), outOfRange);
}

void appendInteger(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    appendBytes(out, digits, end - digits);
}

} // namespace

void writeFirstLoadState(PgSession &session, const PgCatalog &catalog, const ChangeBatch &batch,
                         const QString &what)
{
    if (batch.stateUpserts.isEmpty())
        return;
    const QString entity = batch.stateEntity.isEmpty() ? batch.entity : batch.stateEntity;
    // pair_id and entity, escaped once: the same two fields start every row.
    QByteArray prefix;
    appendCopyText(prefix, utf8(batch.pairId));
    prefix += '\t';
    appendCopyText(prefix, utf8(entity));
    prefix += '\t';

    // The sums of these rows, as the triggers would add them; where a key or hash is integer
    // text past int8 the triggers sum the rows themselves, and fail on it as always.
    QMap<qint64, BlockDelta> blocks;
    bool summable = true;
    for (const StateEntry &entry : batch.stateUpserts) {
        bool keyOutOfRange = false;
        bool hashOutOfRange = false;
        const std::optional<qint64> key = keyInteger(entry.sourceKey, &keyOutOfRange);
        const std::optional<qint64> hash = stateInteger(entry.hash, &hashOutOfRange);
        if (keyOutOfRange || hashOutOfRange) {
            summable = false;
            break;
        }
        if (!key)
            continue; // the triggers sum the rows of integer keys only
        BlockDelta &delta = blocks[blockOf(*key)];
        ++delta.rows;
        if (hash) {
            ++delta.hashed;
            delta.a += qint32(*hash >> 32);
            delta.b += qint64(quint32(*hash)) - 2147483648LL;
        }
    }

    const QByteArray setting(kStagedBlocksSetting);
    if (summable)
        session.exec("SELECT set_config($1, 'on', true)", what, { setting });
    {
        PgCopyIn copy(session,
                      QStringLiteral("COPY %1 (pair_id, entity, source_key, hash, target_key) FROM STDIN")
                          .arg(catalog.stateTable())
                          .toUtf8(),
                      what);
        for (const StateEntry &entry : batch.stateUpserts) {
            QByteArray &out = copy.buffer();
            appendBytes(out, prefix);
            appendCopyString(out, entry.sourceKey);
            appendByte(out, '\t');
            appendCopyText(out, entry.hash); // a null hash as '' (nothing appended), as before
            appendByte(out, '\t');
            appendCopyString(out, entry.targetKey);
            copy.endRow();
        }
        copy.finish();
    }
    if (!summable)
        return;
    session.exec("SELECT set_config($1, '', true)", what, { setting });
    // A trigger function of the layout before ignores the setting: it has summed the rows.
    // (Asked after the COPY: the lock it holds keeps the function as it is.)
    if (blocks.isEmpty() || !deltaFunctionSkipsStaged(session, catalog, what))
        return;
    PgCopyIn copy(session,
                  QStringLiteral("COPY %1 (pair_id, entity, block, rows, hashed, a, b) FROM STDIN")
                      .arg(catalog.stateBlocksTable())
                      .toUtf8(),
                  what);
    for (auto it = blocks.cbegin(); it != blocks.cend(); ++it) {
        QByteArray &out = copy.buffer();
        appendBytes(out, prefix);
        appendInteger(out, it.key());
        for (const qint64 value : { it->rows, it->hashed, it->a, it->b }) {
            appendByte(out, '\t');
            appendInteger(out, value);
        }
        copy.endRow();
    }
    copy.finish();
}

} // namespace tf::sync::pg
