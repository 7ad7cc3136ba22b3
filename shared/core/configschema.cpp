#include "configschema.h"

#include "errors.h"

#include <QFile>
#include <QRegularExpression>
#include <QStringList>

static void initConfigSchemaResource()
{
    Q_INIT_RESOURCE(configschema); // tfcore is a static library: pull in the compiled-in file
}

namespace tf::configschema {
namespace {

const QRegularExpression &sectionLine()
{
    static const QRegularExpression re(QStringLiteral("^\\s*\\[([^\\]]*)\\]\\s*(?:[;#].*)?$"));
    return re;
}

int distance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = qMin(qMin(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.size()];
}

QString suggestion(const QString &section, const QString &key)
{
    QString best;
    int bestDistance = 3;
    for (const QString &known : knownKeys()) {
        const qsizetype slash = known.indexOf(QLatin1Char('/'));
        const QString knownSection = known.left(slash);
        const QString knownKey = known.mid(slash + 1);
        int d = 0;
        if (knownSection == section)
            d = distance(key, knownKey);
        else if (knownKey == key)
            d = 1 + distance(section, knownSection) / 2;
        else
            continue;
        if (d < bestDistance) {
            bestDistance = d;
            best = knownSection == section ? knownKey : QStringLiteral("[%1] %2").arg(knownSection, knownKey);
        }
    }
    return best.isEmpty() ? QString() : QStringLiteral(" (did you mean %1?)").arg(best);
}

} // namespace

const QSet<QString> &knownKeys()
{
    static const QSet<QString> keys = [] {
        initConfigSchemaResource();
        QSet<QString> result;
        QFile file(QStringLiteral(":/config/terrafusion.example.ini"));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            return result;
        static const QRegularExpression keyLine(QStringLiteral("^\\s*;?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*="));
        QString section;
        while (!file.atEnd()) {
            const QString line = QString::fromUtf8(file.readLine());
            const QRegularExpressionMatch header = sectionLine().match(line);
            if (header.hasMatch()) {
                section = header.captured(1).trimmed();
                continue;
            }
            const QRegularExpressionMatch key = keyLine.match(line);
            if (key.hasMatch() && !section.isEmpty())
                result.insert(section + QLatin1Char('/') + key.captured(1));
        }
        return result;
    }();
    return keys;
}

void checkFile(const QString &path)
{
    if (knownKeys().isEmpty())
        return; // a build without the schema: nothing to compare against
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return; // Config::load reports an unreadable file
    static const QRegularExpression keyLine(QStringLiteral("^\\s*([^;#=\\s][^=]*?)\\s*="));
    QString section;
    int number = 0;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine());
        ++number;
        const QRegularExpressionMatch header = sectionLine().match(line);
        if (header.hasMatch()) {
            section = header.captured(1).trimmed();
            continue;
        }
        const QRegularExpressionMatch key = keyLine.match(line);
        if (!key.hasMatch())
            continue;
        const QString name = key.captured(1);
        if (section.isEmpty() || !knownKeys().contains(section + QLatin1Char('/') + name)) {
            const QString where = section.isEmpty() ? QStringLiteral("outside any [section]") : QStringLiteral("[%1]").arg(section);
            throw Error(Error::Kind::Validation,
                        QStringLiteral("config file %1 line %2: unknown key %3 %4%5 (every key is documented in "
                                       "terrafusion.example.ini)")
                            .arg(path)
                            .arg(number)
                            .arg(where, name, suggestion(section, name)),
                        QJsonObject { { QStringLiteral("field"), QString(section + QLatin1Char('/') + name) },
                                      { QStringLiteral("line"), number } });
        }
    }
}

} // namespace tf::configschema
