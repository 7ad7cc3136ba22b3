#pragma once

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace tf {

// Layered configuration. Keys are "section/name" as in the INI file ("server/port").
// Precedence, lowest to highest: defaults < INI file < environment < command-line flags.
// Typed getters validate and throw tf::Error(Validation) naming the key, the bad value and
// where it came from, so a program can print one line and exit 2.
class Config
{
public:
    enum class Origin { Default, File, Environment, Flag };

    struct Entry
    {
        QString value;
        Origin origin = Origin::Default;
        QString source; // "default", the file path, the variable name, or "command line"
    };

    struct Inputs
    {
        QHash<QString, QString> defaults;
        QString configFile;            // explicit file; empty means "look in the usual place"
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QHash<QString, QString> flags; // key -> value, from the command line
    };

    // Builds the layered configuration. Throws tf::Error(Validation) when an explicitly named
    // config file is missing or unreadable.
    static Config load(const Inputs &inputs);

    void set(const QString &key, const QString &value, Origin origin, const QString &source);
    bool contains(const QString &key) const { return m_entries.contains(key); }
    Entry entry(const QString &key) const { return m_entries.value(key); }
    QString configFile() const { return m_configFile; }

    QString string(const QString &key, const QString &fallback = {}) const;
    int integer(const QString &key, int min, int max) const;
    qint64 integer64(const QString &key, qint64 min, qint64 max) const;
    bool boolean(const QString &key) const;
    QStringList list(const QString &key) const; // comma separated

    static QString originName(Origin origin);

private:
    QString describe(const QString &key) const;

    QHash<QString, Entry> m_entries;
    QString m_configFile;
};

// Environment variable names the platform understands, beside TF_<SECTION>__<NAME>.
namespace env {
inline constexpr char kDatabaseUrl[] = "DATABASE_URL";
inline constexpr char kDataDir[] = "TF_DATA_DIR";
inline constexpr char kConfig[] = "TF_CONFIG";
} // namespace env

// Builds "postgresql://user:pass@host:port/db" from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE.
// Empty when none of them is set.
QString postgresUrlFromPgEnvironment(const QProcessEnvironment &environment);

} // namespace tf
