#include "gisrows.h"

#include "core/errors.h"
#include "filevalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace tf::sync::gis {

namespace {

// Outside strings; the marker holds a control character no service sends in a property name.
const QByteArray kMarker = QByteArrayLiteral("\\u0001tf-negative-zero:");
const QString kMarkerText = QStringLiteral("\x01tf-negative-zero:");

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

QByteArray markNegativeZeros(const QByteArray &json)
{
    if (!json.contains("-0"))
        return json;
    QByteArray out;
    out.reserve(json.size() + 64);
    bool inString = false;
    const qsizetype n = json.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = json.at(i);
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < n)
                out += json.at(++i);
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '-' && i + 1 < n && json.at(i + 1) == '0') {
            // A number: -0[.digits][(e|E)[+-]digits]; zero when every fraction digit is 0.
            qsizetype j = i + 2;
            bool zero = true;
            if (j < n && json.at(j) == '.') {
                ++j;
                while (j < n && isDigit(json.at(j)))
                    zero = zero && json.at(j++) == '0';
            }
            if (j < n && (json.at(j) == 'e' || json.at(j) == 'E')) {
                ++j;
                if (j < n && (json.at(j) == '+' || json.at(j) == '-'))
                    ++j;
                while (j < n && isDigit(json.at(j)))
                    ++j;
            }
            if (zero && (j >= n || !isDigit(json.at(j)))) {
                out += '"' + kMarker + json.mid(i, j - i) + '"';
                i = j - 1;
                continue;
            }
        }
        out += c;
    }
    return out;
}

bool isNegativeZero(const QJsonValue &value)
{
    return value.isString() && value.toString().startsWith(kMarkerText);
}

std::optional<QVariant> negativeZero(const QJsonValue &value, bool doubleColumn)
{
    if (!isNegativeZero(value))
        return std::nullopt;
    if (doubleColumn)
        return QVariant(-0.0);
    const QString text = value.toString().mid(kMarkerText.size());
    return unreadableValue(text, QStringLiteral("%1 is a negative zero, which only a double column holds exactly").arg(text));
}

QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    QString text = QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
    if (text.contains(QLatin1String("tf-negative-zero:"))) {
        static const QRegularExpression marker(QStringLiteral(R"re("\\u0001tf-negative-zero:(-0[0-9.eE+-]*)")re"));
        text.replace(marker, QStringLiteral("\\1"));
    }
    return text;
}

Emitter::Emitter(const Schema &full, const ReadRequest &request, const BatchSink &sink)
    : m_limit(qMax(1, request.batchSize))
    , m_sink(sink)
{
    m_indexes = full.indexesOf(request.columns.isEmpty() ? full.names() : request.columns);
    QList<Column> selected;
    for (int index : std::as_const(m_indexes))
        selected << full.at(index);
    m_batch.schema = std::make_shared<const Schema>(selected);
}

bool Emitter::add(const QList<Row> &rows)
{
    for (const Row &row : rows) {
        Row out;
        out.reserve(m_indexes.size());
        for (int index : std::as_const(m_indexes))
            out << row.at(index);
        m_batch.rows << std::move(out);
        if (m_batch.rows.size() >= m_limit && !flush())
            return false;
    }
    return true;
}

bool Emitter::flush()
{
    if (m_batch.rows.isEmpty())
        return true;
    const bool more = m_sink(m_batch);
    m_batch.rows.clear();
    return more;
}

KeyFilter::KeyFilter(const Schema &schema, const QStringList &keyColumns, const QList<KeyValues> &keys)
    : m_indexes(schema.indexesOf(keyColumns))
{
    for (int index : std::as_const(m_indexes))
        m_types << schema.at(index).type;
    for (const KeyValues &key : keys)
        m_wanted.insert(keyText(key, m_types));
}

QList<Row> KeyFilter::keep(const QList<Row> &rows) const
{
    QList<Row> kept;
    for (const Row &row : rows) {
        KeyValues key;
        for (int index : m_indexes)
            key << row.at(index);
        if (m_wanted.contains(keyText(key, m_types)))
            kept << row;
    }
    return kept;
}

SinceCollector::SinceCollector(const Schema &schema, const QString &entity, const QString &cursorColumn,
                               const QStringList &keyColumns, const std::optional<Checkpoint> &after)
    : m_schema(schema)
    , m_entity(entity)
{
    if (schema.indexOf(cursorColumn) < 0) {
        throw Error(Error::Kind::Validation, QStringLiteral("'%1' is not a column of %2").arg(cursorColumn, entity),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("cursor_column") } });
    }
    m_position = schema.indexesOf({ cursorColumn });
    m_position << schema.indexesOf(keyColumns);
    for (int index : std::as_const(m_position))
        m_types << schema.at(index).type;
    if (after) {
        m_hasCheckpoint = true;
        m_checkpoint = QList<QVariant> { after->cursor } + after->key;
    }
}

int SinceCollector::compare(const Row &row, const QList<QVariant> &than) const
{
    for (int i = 0; i < m_position.size() && i < than.size(); ++i) {
        if (const int c = files::compareValues(row.at(m_position.at(i)), than.at(i), m_types.at(i)))
            return c;
    }
    return 0;
}

bool SinceCollector::add(const QList<Row> &rows)
{
    for (const Row &row : rows) {
        const QVariant &cursor = row.at(m_position.first());
        if (const UnreadableValue *bad = unreadableOf(cursor)) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("entity '%1', column '%2': %3").arg(m_entity, m_schema.at(m_position.first()).name, bad->reason),
                        QJsonObject { { QStringLiteral("entity"), m_entity } });
        }
        if (!cursor.isNull() && cursor.isValid() && (!m_hasCheckpoint || compare(row, m_checkpoint) > 0))
            m_rows << row;
    }
    return true;
}

void SinceCollector::emitSorted(const ReadRequest &request, const BatchSink &sink)
{
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](const Row &a, const Row &b) {
        for (int i = 0; i < m_position.size(); ++i) {
            if (const int c = files::compareValues(a.at(m_position.at(i)), b.at(m_position.at(i)), m_types.at(i)))
                return c < 0;
        }
        return false;
    });
    Emitter emitter(m_schema, request, sink);
    if (emitter.add(m_rows))
        emitter.flush();
}

} // namespace tf::sync::gis
