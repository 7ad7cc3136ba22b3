// tf::Config: the four layers (defaults < INI file < environment < flags), the environment
// names the platform understands, and the typed getters' validation errors.
#include "core/config.h"
#include "core/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include <functional>
#include <memory>
#include <optional>

using tf::Config;

namespace {

// String lists written as plain literals (QT_NO_CAST_FROM_ASCII forbids the implicit form).
QStringList strings(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

// An environment that sees no user config file: XDG_CONFIG_HOME points at an empty directory.
QProcessEnvironment isolatedEnvironment(const QTemporaryDir &emptyConfigHome)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), emptyConfigHome.path());
    return environment;
}

// Runs body, which must throw tf::Error(Validation); returns the error for further checks.
std::optional<tf::Error> validationError(const std::function<void()> &body)
{
    try {
        body();
    } catch (const tf::Error &error) {
        return error;
    }
    return std::nullopt;
}

} // namespace

class TestConfig final : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void precedence_data();
    void precedence();
    void iniSectionsBecomeKeys();
    void environmentNamesMapToKeys_data();
    void environmentNamesMapToKeys();
    void databaseUrlBeatsPgVariables();
    void pgVariablesComposeUrl_data();
    void pgVariablesComposeUrl();
    void pgVariablesKeepSpecialCharacters();
    void badPgPortIsRefused();
    void dataDirFromEnvironment();
    void configFileChoice_data();
    void configFileChoice();
    void userConfigFileIsOptional();
    void missingExplicitConfigFileIsRefused_data();
    void missingExplicitConfigFileIsRefused();
    void integerGetter_data();
    void integerGetter();
    void integerErrorsNameKeyValueAndSource_data();
    void integerErrorsNameKeyValueAndSource();
    void integer64HandlesLargeValues();
    void booleanGetter_data();
    void booleanGetter();
    void booleanRefusesOtherWords();
    void listGetter_data();
    void listGetter();

private:
    QString writeIni(const QString &name, const QByteArray &content);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QTemporaryDir> m_configHome;
};

void TestConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_configHome = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(m_configHome->isValid());
}

QString TestConfig::writeIni(const QString &name, const QByteArray &content)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return path;
}

void TestConfig::precedence_data()
{
    // Each layer either sets server/port or not (empty); the highest layer present wins.
    QTest::addColumn<QString>("fileValue");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<QString>("flagValue");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("origin");

    const int def = int(Config::Origin::Default);
    const int file = int(Config::Origin::File);
    const int env = int(Config::Origin::Environment);
    const int flag = int(Config::Origin::Flag);
    QTest::newRow("default only") << "" << "" << "" << "1000" << def;
    QTest::newRow("file over default") << "2000" << "" << "" << "2000" << file;
    QTest::newRow("env over default") << "" << "3000" << "" << "3000" << env;
    QTest::newRow("env over file") << "2000" << "3000" << "" << "3000" << env;
    QTest::newRow("flag over default") << "" << "" << "4000" << "4000" << flag;
    QTest::newRow("flag over file") << "2000" << "" << "4000" << "4000" << flag;
    QTest::newRow("flag over env") << "" << "3000" << "4000" << "4000" << flag;
    QTest::newRow("flag over all") << "2000" << "3000" << "4000" << "4000" << flag;
}

void TestConfig::precedence()
{
    QFETCH(QString, fileValue);
    QFETCH(QString, envValue);
    QFETCH(QString, flagValue);
    QFETCH(QString, expected);
    QFETCH(int, origin);

    Config::Inputs inputs;
    inputs.defaults.insert(QStringLiteral("server/port"), QStringLiteral("1000"));
    inputs.environment = isolatedEnvironment(*m_configHome);
    if (!fileValue.isEmpty()) {
        inputs.configFile = writeIni(QStringLiteral("p.ini"), "[server]\nport=" + fileValue.toUtf8() + "\n");
        QVERIFY(!inputs.configFile.isEmpty());
    }
    if (!envValue.isEmpty())
        inputs.environment.insert(QStringLiteral("TF_SERVER__PORT"), envValue);
    if (!flagValue.isEmpty())
        inputs.flags.insert(QStringLiteral("server/port"), flagValue);

    const Config config = Config::load(inputs);
    QCOMPARE(config.string(QStringLiteral("server/port")), expected);
    QCOMPARE(int(config.entry(QStringLiteral("server/port")).origin), origin);
    QCOMPARE(config.integer(QStringLiteral("server/port"), 0, 65535), expected.toInt());
}

void TestConfig::iniSectionsBecomeKeys()
{
    Config::Inputs inputs;
    inputs.environment = isolatedEnvironment(*m_configHome);
    inputs.configFile = writeIni(QStringLiteral("s.ini"),
                                 "[server]\nport=8081\nbind=0.0.0.0\n[http]\nmax_body_bytes=2048\n");
    const Config config = Config::load(inputs);

    QCOMPARE(config.string(QStringLiteral("server/port")), QStringLiteral("8081"));
    QCOMPARE(config.string(QStringLiteral("server/bind")), QStringLiteral("0.0.0.0"));
    QCOMPARE(config.string(QStringLiteral("http/max_body_bytes")), QStringLiteral("2048"));
    QVERIFY(!config.contains(QStringLiteral("port")));
    QCOMPARE(config.configFile(), QFileInfo(inputs.configFile).absoluteFilePath());
    QCOMPARE(config.entry(QStringLiteral("server/port")).source, config.configFile());
    QCOMPARE(config.string(QStringLiteral("server/missing"), QStringLiteral("fallback")),
             QStringLiteral("fallback"));
}

void TestConfig::environmentNamesMapToKeys_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("key"); // empty: the name must not become any key

    QTest::newRow("section and key") << "TF_HTTP__MAX_BODY_BYTES" << "http/max_body_bytes";
    QTest::newRow("short") << "TF_SERVER__PORT" << "server/port";
    QTest::newRow("mixed case lowered") << "TF_Gateway__Sync_Url" << "gateway/sync_url";
    QTest::newRow("no double underscore") << "TF_SOMETHING" << "";
    QTest::newRow("empty section") << "TF___PORT" << "";
    QTest::newRow("empty key") << "TF_SERVER__" << "";
    QTest::newRow("other prefix") << "XTF_SERVER__PORT" << "";
    QTest::newRow("not ours") << "HOME_SERVER__PORT" << "";
}

void TestConfig::environmentNamesMapToKeys()
{
    QFETCH(QString, name);
    QFETCH(QString, key);

    Config::Inputs inputs;
    inputs.environment = isolatedEnvironment(*m_configHome);
    inputs.environment.insert(name, QStringLiteral("value-from-env"));
    const Config config = Config::load(inputs);

    if (key.isEmpty()) {
        // Nothing but what the environment-specific names produce may appear.
        for (const QString &candidate : { QStringLiteral("server/port"), QStringLiteral("/port"),
                                          QStringLiteral("server/"), QStringLiteral("something") }) {
            QVERIFY2(!config.contains(candidate), qPrintable(candidate));
        }
        return;
    }
    QVERIFY(config.contains(key));
    const Config::Entry entry = config.entry(key);
    QCOMPARE(entry.value, QStringLiteral("value-from-env"));
    QCOMPARE(entry.origin, Config::Origin::Environment);
    QCOMPARE(entry.source, name);
}

void TestConfig::databaseUrlBeatsPgVariables()
{
    Config::Inputs inputs;
    inputs.environment = isolatedEnvironment(*m_configHome);
    inputs.environment.insert(QStringLiteral("PGHOST"), QStringLiteral("pg.example.org"));
    inputs.environment.insert(QStringLiteral("PGUSER"), QStringLiteral("pguser"));
    inputs.environment.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://tf@db.example.org/control"));

    Config config = Config::load(inputs);
    QCOMPARE(config.string(QStringLiteral("database/url")), QStringLiteral("postgresql://tf@db.example.org/control"));
    QCOMPARE(config.entry(QStringLiteral("database/url")).source, QStringLiteral("DATABASE_URL"));

    // Without DATABASE_URL the PG* variables are used.
    inputs.environment.remove(QStringLiteral("DATABASE_URL"));
    config = Config::load(inputs);
    const QUrl url(config.string(QStringLiteral("database/url")));
    QCOMPARE(url.host(), QStringLiteral("pg.example.org"));
    QCOMPARE(url.userName(), QStringLiteral("pguser"));
    QCOMPARE(config.entry(QStringLiteral("database/url")).origin, Config::Origin::Environment);

    // A --database flag beats both.
    inputs.environment.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://tf@db.example.org/control"));
    inputs.flags.insert(QStringLiteral("database/url"), QStringLiteral("sqlite:///tmp/x.db"));
    config = Config::load(inputs);
    QCOMPARE(config.string(QStringLiteral("database/url")), QStringLiteral("sqlite:///tmp/x.db"));
    QCOMPARE(config.entry(QStringLiteral("database/url")).origin, Config::Origin::Flag);
}

void TestConfig::pgVariablesComposeUrl_data()
{
    QTest::addColumn<QStringList>("variables"); // NAME=value
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");

    QTest::newRow("all five")
        << strings({ "PGHOST=db.example.org", "PGPORT=6543", "PGUSER=tf", "PGPASSWORD=pw", "PGDATABASE=control" })
        << "postgresql" << "db.example.org" << 6543 << "tf" << "pw" << "/control" << "";
    QTest::newRow("host defaults to localhost")
        << strings({ "PGDATABASE=control" }) << "postgresql" << "localhost" << -1 << "" << "" << "/control" << "";
    QTest::newRow("database defaults to user")
        << strings({ "PGHOST=h", "PGUSER=alice" }) << "postgresql" << "h" << -1 << "alice" << "" << "/alice" << "";
    QTest::newRow("database defaults to postgres")
        << strings({ "PGHOST=h" }) << "postgresql" << "h" << -1 << "" << "" << "/postgres" << "";
    QTest::newRow("socket directory")
        << strings({ "PGHOST=/var/run/postgresql", "PGPORT=5433", "PGDATABASE=control" })
        << "postgresql" << "" << -1 << "" << "" << "/control" << "host=%2Fvar%2Frun%2Fpostgresql&port=5433";
}

void TestConfig::pgVariablesComposeUrl()
{
    QFETCH(QStringList, variables);
    QFETCH(QString, scheme);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, path);
    QFETCH(QString, query);

    QProcessEnvironment environment;
    for (const QString &variable : variables) {
        const int eq = variable.indexOf(QLatin1Char('='));
        environment.insert(variable.left(eq), variable.mid(eq + 1));
    }
    const QString text = tf::postgresUrlFromPgEnvironment(environment);
    const QUrl url(text, QUrl::StrictMode);
    QVERIFY2(url.isValid(), qPrintable(text));
    QCOMPARE(url.scheme(), scheme);
    QCOMPARE(url.host(), host);
    QCOMPARE(url.port(), port);
    QCOMPARE(url.userName(), user);
    QCOMPARE(url.password(), password);
    QCOMPARE(url.path(), path);
    QCOMPARE(url.query(QUrl::FullyEncoded), query);
}

void TestConfig::pgVariablesKeepSpecialCharacters()
{
    QVERIFY(tf::postgresUrlFromPgEnvironment(QProcessEnvironment()).isEmpty());

    QProcessEnvironment environment;
    environment.insert(QStringLiteral("PGHOST"), QStringLiteral("db"));
    environment.insert(QStringLiteral("PGUSER"), QStringLiteral("tf"));
    environment.insert(QStringLiteral("PGPASSWORD"), QStringLiteral("p@ss:w/rd?#%"));
    environment.insert(QStringLiteral("PGDATABASE"), QStringLiteral("control"));
    const QUrl url(tf::postgresUrlFromPgEnvironment(environment), QUrl::StrictMode);
    QVERIFY(url.isValid());
    QCOMPARE(url.host(), QStringLiteral("db"));
    QCOMPARE(url.password(), QStringLiteral("p@ss:w/rd?#%"));
    QCOMPARE(url.path(), QStringLiteral("/control"));
}

void TestConfig::badPgPortIsRefused()
{
    for (const QString &port : { QStringLiteral("abc"), QStringLiteral("0"), QStringLiteral("70000") }) {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("PGHOST"), QStringLiteral("db"));
        environment.insert(QStringLiteral("PGPORT"), port);
        const auto error = validationError([&] { tf::postgresUrlFromPgEnvironment(environment); });
        QVERIFY2(error.has_value(), qPrintable(port));
        QCOMPARE(error->kind(), tf::Error::Kind::Validation);
        QVERIFY2(error->message().contains(QLatin1String("PGPORT")), qPrintable(error->message()));
        QVERIFY2(error->message().contains(port), qPrintable(error->message()));
    }
}

void TestConfig::dataDirFromEnvironment()
{
    Config::Inputs inputs;
    inputs.defaults.insert(QStringLiteral("paths/data_dir"), QStringLiteral("/default/data"));
    inputs.environment = isolatedEnvironment(*m_configHome);
    inputs.environment.insert(QStringLiteral("TF_DATA_DIR"), QStringLiteral("/env/data"));

    Config config = Config::load(inputs);
    QCOMPARE(config.string(QStringLiteral("paths/data_dir")), QStringLiteral("/env/data"));
    QCOMPARE(config.entry(QStringLiteral("paths/data_dir")).source, QStringLiteral("TF_DATA_DIR"));

    inputs.flags.insert(QStringLiteral("paths/data_dir"), QStringLiteral("/flag/data"));
    config = Config::load(inputs);
    QCOMPARE(config.string(QStringLiteral("paths/data_dir")), QStringLiteral("/flag/data"));
}

void TestConfig::configFileChoice_data()
{
    // Which of the three ways of naming the INI file wins: --config, Inputs::configFile, TF_CONFIG.
    QTest::addColumn<bool>("viaFlag");
    QTest::addColumn<bool>("viaInputs");
    QTest::addColumn<bool>("viaEnvironment");
    QTest::addColumn<QString>("expected"); // which file's port is seen

    QTest::newRow("TF_CONFIG alone") << false << false << true << "3";
    QTest::newRow("inputs alone") << false << true << false << "2";
    QTest::newRow("flag alone") << true << false << false << "1";
    QTest::newRow("inputs over TF_CONFIG") << false << true << true << "2";
    QTest::newRow("flag over everything") << true << true << true << "1";
}

void TestConfig::configFileChoice()
{
    QFETCH(bool, viaFlag);
    QFETCH(bool, viaInputs);
    QFETCH(bool, viaEnvironment);
    QFETCH(QString, expected);

    const QString flagFile = writeIni(QStringLiteral("flag.ini"), "[server]\nport=1\n");
    const QString inputsFile = writeIni(QStringLiteral("inputs.ini"), "[server]\nport=2\n");
    const QString envFile = writeIni(QStringLiteral("env.ini"), "[server]\nport=3\n");

    Config::Inputs inputs;
    inputs.environment = isolatedEnvironment(*m_configHome);
    if (viaFlag)
        inputs.flags.insert(QStringLiteral("config/file"), flagFile);
    if (viaInputs)
        inputs.configFile = inputsFile;
    if (viaEnvironment)
        inputs.environment.insert(QStringLiteral("TF_CONFIG"), envFile);

    const Config config = Config::load(inputs);
    QCOMPARE(config.string(QStringLiteral("server/port")), expected);
    QCOMPARE(config.entry(QStringLiteral("server/port")).origin, Config::Origin::File);
    // The file name is a choice of file, not a configuration value of its own.
    QVERIFY(!config.contains(QStringLiteral("config/file")));
}

void TestConfig::userConfigFileIsOptional()
{
    Config::Inputs inputs;
    inputs.environment = isolatedEnvironment(*m_configHome);
    Config config = Config::load(inputs); // no file anywhere: fine
    QVERIFY(config.configFile().isEmpty());

    QVERIFY(QDir(m_configHome->path()).mkpath(QStringLiteral("terrafusion")));
    QFile file(m_configHome->filePath(QStringLiteral("terrafusion/terrafusion.ini")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[server]\nport=7777\n");
    file.close();

    config = Config::load(inputs);
    QCOMPARE(config.configFile(), QFileInfo(file.fileName()).absoluteFilePath());
    QCOMPARE(config.string(QStringLiteral("server/port")), QStringLiteral("7777"));
}

void TestConfig::missingExplicitConfigFileIsRefused_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("flag") << "flag";
    QTest::newRow("inputs") << "inputs";
    QTest::newRow("TF_CONFIG") << "env";
    QTest::newRow("directory") << "directory";
}

void TestConfig::missingExplicitConfigFileIsRefused()
{
    QFETCH(QString, how);

    QString path = m_dir->filePath(QStringLiteral("does-not-exist.ini"));
    Config::Inputs inputs;
    inputs.environment = isolatedEnvironment(*m_configHome);
    if (how == QLatin1String("flag"))
        inputs.flags.insert(QStringLiteral("config/file"), path);
    else if (how == QLatin1String("inputs"))
        inputs.configFile = path;
    else if (how == QLatin1String("env"))
        inputs.environment.insert(QStringLiteral("TF_CONFIG"), path);
    else {
        path = m_dir->path();
        inputs.configFile = path;
    }

    const auto error = validationError([&] { Config::load(inputs); });
    QVERIFY(error.has_value());
    QCOMPARE(error->kind(), tf::Error::Kind::Validation);
    QVERIFY2(error->message().contains(path), qPrintable(error->message()));
}

void TestConfig::integerGetter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("min");
    QTest::addColumn<int>("max");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("expected");

    QTest::newRow("plain") << "8080" << 0 << 65535 << true << 8080;
    QTest::newRow("surrounding spaces") << " 42 " << 0 << 100 << true << 42;
    QTest::newRow("lower bound") << "0" << 0 << 65535 << true << 0;
    QTest::newRow("upper bound") << "65535" << 0 << 65535 << true << 65535;
    QTest::newRow("negative allowed") << "-5" << -10 << 10 << true << -5;
    QTest::newRow("above range") << "65536" << 0 << 65535 << false << 0;
    QTest::newRow("below range") << "-1" << 0 << 65535 << false << 0;
    QTest::newRow("letters") << "abc" << 0 << 65535 << false << 0;
    QTest::newRow("trailing letters") << "80abc" << 0 << 65535 << false << 0;
    QTest::newRow("decimal") << "1.5" << 0 << 65535 << false << 0;
    QTest::newRow("empty") << "" << 0 << 65535 << false << 0;
    QTest::newRow("beyond int") << "99999999999" << 0 << 65535 << false << 0;
}

void TestConfig::integerGetter()
{
    QFETCH(QString, text);
    QFETCH(int, min);
    QFETCH(int, max);
    QFETCH(bool, valid);
    QFETCH(int, expected);

    Config config;
    config.set(QStringLiteral("server/port"), text, Config::Origin::Flag, QStringLiteral("command line"));
    if (valid) {
        QCOMPARE(config.integer(QStringLiteral("server/port"), min, max), expected);
        return;
    }
    const auto error = validationError([&] { config.integer(QStringLiteral("server/port"), min, max); });
    QVERIFY(error.has_value());
    QCOMPARE(error->kind(), tf::Error::Kind::Validation);
    QVERIFY2(error->message().contains(QLatin1String("server/port")), qPrintable(error->message()));
    QCOMPARE(error->details().value(QStringLiteral("key")).toString(), QStringLiteral("server/port"));
}

void TestConfig::integerErrorsNameKeyValueAndSource_data()
{
    QTest::addColumn<QString>("layer");
    QTest::addColumn<QString>("badValue");

    QTest::newRow("environment, not a number") << "env" << "abc";
    QTest::newRow("environment, out of range") << "env" << "99999999999";
    QTest::newRow("file, not a number") << "file" << "lots";
    QTest::newRow("flag, not a number") << "flag" << "x12";
    QTest::newRow("default, not a number") << "default" << "oops";
}

void TestConfig::integerErrorsNameKeyValueAndSource()
{
    QFETCH(QString, layer);
    QFETCH(QString, badValue);

    Config::Inputs inputs;
    inputs.defaults.insert(QStringLiteral("http/max_body_bytes"),
                           layer == QLatin1String("default") ? badValue : QStringLiteral("1024"));
    inputs.environment = isolatedEnvironment(*m_configHome);
    QString source;
    if (layer == QLatin1String("env")) {
        inputs.environment.insert(QStringLiteral("TF_HTTP__MAX_BODY_BYTES"), badValue);
        source = QStringLiteral("TF_HTTP__MAX_BODY_BYTES");
    } else if (layer == QLatin1String("file")) {
        inputs.configFile = writeIni(QStringLiteral("bad.ini"), "[http]\nmax_body_bytes=" + badValue.toUtf8() + "\n");
        source = QFileInfo(inputs.configFile).absoluteFilePath();
    } else if (layer == QLatin1String("flag")) {
        inputs.flags.insert(QStringLiteral("http/max_body_bytes"), badValue);
    }
    const Config config = Config::load(inputs);
    if (source.isEmpty())
        source = config.entry(QStringLiteral("http/max_body_bytes")).source;
    QVERIFY(!source.isEmpty());

    const auto error = validationError([&] { config.integer(QStringLiteral("http/max_body_bytes"), 1, 1 << 30); });
    QVERIFY(error.has_value());
    QCOMPARE(error->kind(), tf::Error::Kind::Validation);
    const QString message = error->message();
    QVERIFY2(message.contains(QLatin1String("http/max_body_bytes")), qPrintable(message));
    QVERIFY2(message.contains(badValue), qPrintable(message));
    QVERIFY2(message.contains(source), qPrintable(message));
}

void TestConfig::integer64HandlesLargeValues()
{
    Config config;
    config.set(QStringLiteral("limits/bytes"), QStringLiteral("10000000000"), Config::Origin::File, QStringLiteral("f.ini"));
    QCOMPARE(config.integer64(QStringLiteral("limits/bytes"), 0, Q_INT64_C(20000000000)), Q_INT64_C(10000000000));
    const auto error = validationError([&] { config.integer64(QStringLiteral("limits/bytes"), 0, 1000); });
    QVERIFY(error.has_value());
    QCOMPARE(error->kind(), tf::Error::Kind::Validation);
    QVERIFY2(error->message().contains(QLatin1String("10000000000")), qPrintable(error->message()));
    QVERIFY2(error->message().contains(QLatin1String("f.ini")), qPrintable(error->message()));
}

void TestConfig::booleanGetter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");

    QTest::newRow("true") << "true" << true;
    QTest::newRow("TRUE") << "TRUE" << true;
    QTest::newRow("1") << "1" << true;
    QTest::newRow("yes") << "yes" << true;
    QTest::newRow("on, spaced") << " on " << true;
    QTest::newRow("false") << "false" << false;
    QTest::newRow("False") << "False" << false;
    QTest::newRow("0") << "0" << false;
    QTest::newRow("no") << "no" << false;
    QTest::newRow("off") << "off" << false;
}

void TestConfig::booleanGetter()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);

    Config config;
    config.set(QStringLiteral("gateway/supervise_sync"), text, Config::Origin::Environment,
               QStringLiteral("TF_GATEWAY__SUPERVISE_SYNC"));
    QCOMPARE(config.boolean(QStringLiteral("gateway/supervise_sync")), expected);
}

void TestConfig::booleanRefusesOtherWords()
{
    for (const QString &text : { QStringLiteral("maybe"), QStringLiteral("2"), QStringLiteral("") }) {
        Config config;
        config.set(QStringLiteral("gateway/supervise_sync"), text, Config::Origin::Environment,
                   QStringLiteral("TF_GATEWAY__SUPERVISE_SYNC"));
        const auto error = validationError([&] { config.boolean(QStringLiteral("gateway/supervise_sync")); });
        QVERIFY2(error.has_value(), qPrintable(text));
        QCOMPARE(error->kind(), tf::Error::Kind::Validation);
        const QString message = error->message();
        QVERIFY2(message.contains(QLatin1String("gateway/supervise_sync")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("TF_GATEWAY__SUPERVISE_SYNC")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1Char('\'') + text + QLatin1Char('\'')), qPrintable(message));
    }
}

void TestConfig::listGetter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("empty") << "" << QStringList();
    QTest::newRow("one") << "a" << strings({ "a" });
    QTest::newRow("trimmed") << " a , b ,c " << strings({ "a", "b", "c" });
    QTest::newRow("empty items dropped") << "a,,b, ,c," << strings({ "a", "b", "c" });
}

void TestConfig::listGetter()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    Config config;
    config.set(QStringLiteral("cors/allowed_origins"), text, Config::Origin::Default, QStringLiteral("default"));
    QCOMPARE(config.list(QStringLiteral("cors/allowed_origins")), expected);

    // The same list written in an INI file, where QSettings splits on commas itself.
    if (!text.trimmed().isEmpty()) {
        Config::Inputs inputs;
        inputs.environment = isolatedEnvironment(*m_configHome);
        inputs.configFile = writeIni(QStringLiteral("list.ini"), "[cors]\nallowed_origins=" + text.toUtf8() + "\n");
        QCOMPARE(Config::load(inputs).list(QStringLiteral("cors/allowed_origins")), expected);
    }
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
