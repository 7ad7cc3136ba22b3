#pragma once

#include <QCommandLineParser>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf {

// Command-line handling shared by every program. Options map onto configuration keys so that
// flags take the highest precedence in tf::Config. Any usage error prints exactly one line,
// "<program>: <what is wrong>", to stderr and exits with code 2.
class CommandLine
{
public:
    CommandLine(QString program, const QString &description);

    // --name VALUE sets configKey to VALUE.
    void addValueOption(const QString &name, const QString &valueName, const QString &description,
                        const QString &configKey);
    // --name (no value) sets configKey to value. Two switches on one key conflict.
    void addSwitch(const QString &name, const QString &description, const QString &configKey,
                   const QString &value);
    void addPositional(const QString &name, const QString &description, const QString &syntax = {});
    // --port, --bind, --data-dir, --database, --config, each with its default in the help.
    void addServiceOptions(int defaultPort = 0, const QString &section = QString());
    // Text printed after the options in --help: the examples and the doc section to read.
    void setEpilog(const QString &text) { m_epilog = text; }

    // Handles --help and --version (exit 0) and usage errors (exit 2).
    void process(const QStringList &arguments);

    QHash<QString, QString> flags() const { return m_flags; }
    QStringList positionalArguments() const { return m_parser.positionalArguments(); }
    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }
    const QString &program() const { return m_program; }

    [[noreturn]] static void exitWithUsageError(const QString &program, const QString &message);

private:
    struct Mapping
    {
        QString name;
        QString configKey;
        QString switchValue; // empty for value options
    };

    QString m_program;
    QCommandLineParser m_parser;
    QList<Mapping> m_mappings;
    QHash<QString, QString> m_flags;
    QString m_epilog;
};

} // namespace tf
