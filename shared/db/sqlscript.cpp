#include "sqlscript.h"

#include <QRegularExpression>

namespace tf::db {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

// The dollar-quote tag starting at i ("$$" or "$name$"), or empty when there is none.
QString dollarTag(const QString &s, qsizetype i)
{
    qsizetype j = i + 1;
    if (j < s.size() && s.at(j).isDigit())
        return {}; // $1 is a parameter, not a quote
    while (j < s.size() && isWordChar(s.at(j)))
        ++j;
    if (j < s.size() && s.at(j) == QLatin1Char('$'))
        return s.mid(i, j - i + 1);
    return {};
}

bool startsTrigger(const QString &statement)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b)"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(statement).hasMatch();
}

class Splitter
{
public:
    explicit Splitter(const QString &script)
        : m_s(script)
    { }

    QStringList run()
    {
        qsizetype i = 0;
        while (i < m_s.size())
            i = step(i);
        flush();
        return m_out;
    }

private:
    qsizetype step(qsizetype i)
    {
        const QChar c = m_s.at(i);
        const QChar next = i + 1 < m_s.size() ? m_s.at(i + 1) : QChar();
        if (c == QLatin1Char('-') && next == QLatin1Char('-')) {
            const qsizetype end = m_s.indexOf(QLatin1Char('\n'), i);
            m_current += QLatin1Char(' ');
            return end < 0 ? m_s.size() : end;
        }
        if (c == QLatin1Char('/') && next == QLatin1Char('*')) {
            const qsizetype end = m_s.indexOf(QLatin1String("*/"), i + 2);
            m_current += QLatin1Char(' ');
            return end < 0 ? m_s.size() : end + 2;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"'))
            return copyQuoted(i, c);
        if (c == QLatin1Char('$')) {
            const QString tag = dollarTag(m_s, i);
            if (!tag.isEmpty()) {
                const qsizetype close = m_s.indexOf(tag, i + tag.size());
                const qsizetype end = close < 0 ? m_s.size() : close + tag.size();
                m_current += m_s.mid(i, end - i);
                return end;
            }
        }
        if (isWordChar(c))
            return copyWord(i);
        if (c == QLatin1Char(';') && m_blockDepth <= 0) {
            flush();
            return i + 1;
        }
        m_current += c;
        return i + 1;
    }

    qsizetype copyQuoted(qsizetype i, QChar quote)
    {
        qsizetype j = i + 1;
        while (j < m_s.size()) {
            if (m_s.at(j) == quote) {
                if (j + 1 < m_s.size() && m_s.at(j + 1) == quote) { // doubled quote
                    j += 2;
                    continue;
                }
                ++j;
                break;
            }
            ++j;
        }
        m_current += m_s.mid(i, j - i);
        return j;
    }

    qsizetype copyWord(qsizetype i)
    {
        qsizetype j = i;
        while (j < m_s.size() && isWordChar(m_s.at(j)))
            ++j;
        const QString word = m_s.mid(i, j - i);
        if (m_inTrigger) {
            if (word.compare(QLatin1String("BEGIN"), Qt::CaseInsensitive) == 0
                || word.compare(QLatin1String("CASE"), Qt::CaseInsensitive) == 0)
                ++m_blockDepth;
            else if (word.compare(QLatin1String("END"), Qt::CaseInsensitive) == 0)
                --m_blockDepth;
        } else if (word.compare(QLatin1String("TRIGGER"), Qt::CaseInsensitive) == 0) {
            m_inTrigger = startsTrigger(m_current + word);
        }
        m_current += word;
        return j;
    }

    void flush()
    {
        const QString statement = m_current.trimmed();
        if (!statement.isEmpty())
            m_out << statement;
        m_current.clear();
        m_inTrigger = false;
        m_blockDepth = 0;
    }

    const QString &m_s;
    QString m_current;
    QStringList m_out;
    bool m_inTrigger = false;
    int m_blockDepth = 0;
};

} // namespace

QStringList splitSqlStatements(const QString &script)
{
    return Splitter(script).run();
}

} // namespace tf::db
