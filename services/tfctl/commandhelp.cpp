#include "commandhelp.h"

#include <QHash>

namespace tf::tfctl {

namespace {

struct Help
{
    const char *examples; // one per line, without the indentation
    const char *read;
};

const QHash<QString, Help> &table()
{
    static const QHash<QString, Help> help {
        { QStringLiteral("init"),
          { "tfctl init --data-dir /srv/terrafusion\n"
            "tfctl init --if-missing",
            "docs/admin-guide.md section 1 \"Install and first start\"" } },
        { QStringLiteral("sync"),
          { "tfctl sync run parcels --dry-run\n"
            "tfctl sync run 1 --json > result.json\n"
            "tfctl sync history parcels --limit 5",
            "docs/admin-guide.md section 5 \"Define a sync pair, dry-run it and run it\"; docs/sync-engine.md \"Running a pair\"" } },
        { QStringLiteral("verify"),
          { "tfctl verify parcels\n"
            "tfctl verify parcels --entity property --json\n"
            "tfctl verify parcels --repair",
            "docs/sync-engine.md \"Verify and repair\" (exit 0 no differences, 3 differences found)" } },
        { QStringLiteral("quarantine"),
          { "tfctl quarantine list --since 7d --rule pattern\n"
            "tfctl quarantine edit 42 zip_code=98901\n"
            "tfctl quarantine replay --pair parcels",
            "docs/admin-guide.md section 6 \"Schedules and quarantine\"; docs/sync-engine.md \"Quarantine\"" } },
        { QStringLiteral("audit"),
          { "tfctl audit verify\n"
            "tfctl audit export --from 2024-01-01 --output audit-2024.csv\n"
            "tfctl audit purge --older-than 400",
            "docs/admin-guide.md section 10 \"Security settings\"; docs/operations.md \"Audit trail\"" } },
        { QStringLiteral("system"),
          { "tfctl system add cama.json\n"
            "tfctl system show CAMA\n"
            "tfctl system test CAMA",
            "docs/admin-guide.md section 3 \"Connect your systems\"; docs/sync-engine.md \"Systems\"" } },
        { QStringLiteral("pair"),
          { "tfctl pair add parcels.json\n"
            "tfctl pair test parcels\n"
            "tfctl pair disable parcels",
            "docs/admin-guide.md section 5 \"Define a sync pair, dry-run it and run it\"; docs/sync-engine.md \"Sync pairs\"" } },
        { QStringLiteral("user"),
          { "tfctl user add alice --role operator\n"
            "tfctl user reset-password admin",
            "docs/admin-guide.md section 9 \"Users and directory sign-in\"" } },
        { QStringLiteral("config"),
          { "tfctl config check /etc/terrafusion/terrafusion.ini\n"
            "sudo -u terrafusion tfctl config seal < bind-password.txt",
            "docs/admin-guide.md section 10 \"Security settings\"; resources/config/terrafusion.example.ini (every key)" } },
        { QStringLiteral("demo"),
          { "tfctl demo install --parcels 1000\n"
            "tfctl demo install --gis --if-missing\n"
            "tfctl demo report --limit 50",
            "README.md \"Two commands\"; docs/admin-guide.md section 5; docs/demo-gis.md (the GIS demo)" } },
        { QStringLiteral("maintenance"),
          { "tfctl maintenance run --type weekly\n"
            "tfctl maintenance next",
            "docs/operations.md \"Maintenance and tuning\"" } },
        { QStringLiteral("tune"),
          { "tfctl tune optimize-db\n"
            "tfctl tune test --endpoint http://127.0.0.1:5000/health",
            "docs/operations.md \"Maintenance and tuning\", \"Tuning\"; docs/performance.md" } },
        { QStringLiteral("backup"),
          { "tfctl backup --label before-upgrade\n"
            "tfctl backup --keep 14",
            "docs/admin-guide.md section 7 \"Backup and restore\"" } },
        { QStringLiteral("list"),
          { "tfctl list --json",
            "docs/admin-guide.md section 7 \"Backup and restore\"" } },
        { QStringLiteral("restore"),
          { "tfctl restore terrafusion-20240501-020000 --yes",
            "docs/admin-guide.md section 7 \"Backup and restore\" (onto a new server: with the key)" } },
        { QStringLiteral("check"),
          { "tfctl check --json",
            "docs/admin-guide.md section 11 \"Troubleshooting\"" } },
        { QStringLiteral("restart-api"),
          { "tfctl restart-api",
            "docs/admin-guide.md section 11 \"Troubleshooting\" (the gateway does not answer)" } },
        { QStringLiteral("restart-sync"),
          { "tfctl restart-sync",
            "docs/admin-guide.md section 11 \"Troubleshooting\" (syncs stall or tf-syncd is down)" } },
        { QStringLiteral("restart-all"),
          { "tfctl restart-all",
            "docs/admin-guide.md section 8 \"Upgrade and roll back\" and section 11" } },
        { QStringLiteral("recover"),
          { "tfctl recover --backup /var/lib/terrafusion/backups/terrafusion-20240501-020000.tar",
            "docs/operations.md \"Disaster recovery\"; docs/admin-guide.md section 7" } },
        { QStringLiteral("fix-corruption"),
          { "tfctl fix-corruption all --dry-run",
            "docs/operations.md \"Disaster recovery\" (fix-corruption)" } },
        { QStringLiteral("create-plan"),
          { "tfctl create-plan service_outage --components gateway,syncd",
            "docs/operations.md \"Disaster recovery\"" } },
    };
    return help;
}

} // namespace

QString commandHelp(const QString &program)
{
    const QString command = program.section(QLatin1Char(' '), 1, 1);
    const auto it = table().constFind(command);
    if (it == table().cend())
        return {};
    QString text = QStringLiteral("Examples:\n");
    for (const QString &line : QString::fromUtf8(it->examples).split(QLatin1Char('\n')))
        text += QStringLiteral("  ") + line + QLatin1Char('\n');
    text += QStringLiteral("Read: ") + QString::fromUtf8(it->read);
    return text;
}

} // namespace tf::tfctl
