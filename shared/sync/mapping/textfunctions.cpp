// Text and date functions of the mapping: trim, upper, lower, capitalize, concat, split,
// format_date, parse_date. NULL passes through every one of them unchanged (default() and
// coalesce() are where NULLs are replaced), except concat, which skips NULL fields.
#include "functions.h"
#include "valuetext.h"

#include <QDate>
#include <QDateTime>

namespace tf::sync {

namespace {

bool isNull(const QVariant &value)
{
    return value.isNull() || !value.isValid();
}

// The value as text for a text function; false for binary data, which has no text.
bool textOf(const QVariant &value, QString *text, QString *error)
{
    if (value.typeId() == QMetaType::QByteArray) {
        *error = QStringLiteral("binary data is not text");
        return false;
    }
    *text = valuetext::plainText(value);
    return true;
}

TransformStep textStep(QString (*transform)(const QString &))
{
    return [transform](QVariant &value, const Row &, QString *error) {
        if (isNull(value))
            return true;
        if (value.typeId() == QMetaType::QString) {
            // The common case, without a copy of the text: trim and upper give back the same
            // string (shared) when they change nothing, and the value then stays as it is.
            const QString &text = *static_cast<const QString *>(value.constData());
            QString result = transform(text);
            if (!result.isSharedWith(text))
                value = std::move(result);
            return true;
        }
        QString text;
        if (!textOf(value, &text, error))
            return false;
        value = transform(text);
        return true;
    };
}

QString capitalizeWords(const QString &text)
{
    QString result = text.toLower();
    bool wordStart = true;
    for (QChar &c : result) {
        if (c.isLetterOrNumber()) {
            if (wordStart)
                c = c.toUpper();
            wordStart = false;
        } else {
            wordStart = true; // "o'brien-smith" -> "O'Brien-Smith"
        }
    }
    return result;
}

// True when a Qt date/time format has time fields (h, m, s, z, AP), outside quoted text.
bool formatHasTime(const QString &format)
{
    bool quoted = false;
    for (const QChar c : format) {
        if (c == QLatin1Char('\'')) {
            quoted = !quoted;
        } else if (!quoted && QStringLiteral("hHmszaAt").contains(c)) {
            return true;
        }
    }
    return false;
}

TransformStep formatDate(FunctionArgs &args)
{
    const QString format = args.text(0);
    return [format](QVariant &value, const Row &, QString *error) {
        if (isNull(value))
            return true;
        if (value.typeId() == QMetaType::QDate) {
            value = value.toDate().toString(format);
            return true;
        }
        if (value.typeId() == QMetaType::QDateTime) {
            value = value.toDateTime().toString(format);
            return true;
        }
        TimeValue time = TimeValue::fromVariant(value);
        if (!time.isValid()) {
            // ISO text from a Text column: a date, or a timestamp when longer.
            const QString text = value.toString().trimmed();
            time = TimeValue::parse(text, text.size() <= 10 ? TimeValue::Kind::Date
                                                            : TimeValue::Kind::Timestamp);
        }
        if (time.isValid()) {
            const QDateTime dateTime = time.toQDateTime();
            if (!dateTime.isValid()) {
                *error = QStringLiteral("%1 cannot be formatted with a date format")
                             .arg(valuetext::shown(value));
                return false;
            }
            value = time.kind() == TimeValue::Kind::Date ? dateTime.date().toString(format)
                                                         : dateTime.toString(format);
            return true;
        }
        *error = QStringLiteral("%1 is not a date or timestamp").arg(valuetext::shown(value));
        return false;
    };
}

TransformStep parseDate(FunctionArgs &args)
{
    const QString format = args.text(0);
    const bool withTime = formatHasTime(format);
    return [format, withTime](QVariant &value, const Row &, QString *error) {
        if (isNull(value) || value.typeId() == QMetaType::QDate || value.typeId() == QMetaType::QDateTime
            || TimeValue::fromVariant(value).isValid())
            return true;
        const QString text = value.toString().trimmed();
        if (withTime) {
            const QDateTime parsed = QDateTime::fromString(text, format);
            if (parsed.isValid()) {
                // The wall clock, as Timestamp holds it.
                value = TimeValue::fromQDateTime(QDateTime(parsed.date(), parsed.time(), Qt::UTC),
                                                 TimeValue::Kind::Timestamp)
                            .toVariant();
                return true;
            }
        } else {
            const QDate parsed = QDate::fromString(text, format);
            if (parsed.isValid()) {
                value = TimeValue::fromQDate(parsed).toVariant();
                return true;
            }
        }
        *error = QStringLiteral("%1 does not match the date format '%2'").arg(valuetext::shown(value), format);
        return false;
    };
}

TransformStep concat(FunctionArgs &args)
{
    const QString separator = args.text(0, true);
    QList<int> columns;
    for (int i = 1; i < args.count(); ++i)
        columns << args.column(i);
    return [separator, columns](QVariant &value, const Row &source, QString *error) {
        QStringList parts;
        for (const int column : columns) {
            const QVariant &part = source.at(column);
            if (isNull(part))
                continue;
            QString text;
            if (!textOf(part, &text, error))
                return false;
            if (!text.isEmpty()) // "12 Main St, " when City is blank reads as a bug
                parts << text;
        }
        value = parts.isEmpty() ? QVariant() : QVariant(parts.join(separator));
        return true;
    };
}

TransformStep split(FunctionArgs &args)
{
    const QString separator = args.text(0);
    const int index = args.integer(1, -1000, 1000);
    return [separator, index](QVariant &value, const Row &, QString *error) {
        if (isNull(value))
            return true;
        QString text;
        if (!textOf(value, &text, error))
            return false;
        const QStringList parts = text.split(separator);
        const qsizetype at = index < 0 ? parts.size() + index : index;
        if (at < 0 || at >= parts.size()) {
            *error = QStringLiteral("%1 has no part %2 when split on '%3'").arg(valuetext::shown(value)).arg(index).arg(separator);
            return false;
        }
        value = parts.at(at);
        return true;
    };
}

} // namespace

void registerTextFunctions(FunctionRegistry &registry)
{
    using Spec = FunctionRegistry::Spec;
    registry.add(QStringLiteral("trim"), Spec { 0, 0, false, [](FunctionArgs &) {
        return textStep([](const QString &t) { return t.trimmed(); });
    } });
    registry.add(QStringLiteral("upper"), Spec { 0, 0, false, [](FunctionArgs &) {
        return textStep([](const QString &t) { return t.toUpper(); });
    } });
    registry.add(QStringLiteral("lower"), Spec { 0, 0, false, [](FunctionArgs &) {
        return textStep([](const QString &t) { return t.toLower(); });
    } });
    registry.add(QStringLiteral("capitalize"), Spec { 0, 0, false, [](FunctionArgs &) {
        return textStep(&capitalizeWords);
    } });
    registry.add(QStringLiteral("format_date"), Spec { 1, 1, false, &formatDate });
    registry.add(QStringLiteral("parse_date"), Spec { 1, 1, false, &parseDate });
    registry.add(QStringLiteral("concat"), Spec { 2, -1, true, &concat });
    registry.add(QStringLiteral("split"), Spec { 2, 2, false, &split });
}

} // namespace tf::sync
