#pragma once

// The test class of the type-fidelity matrix and the helpers its two files share:
// tst_typefidelity.cpp (PostgreSQL sources) and tst_typefidelity_sources.cpp (SQLite, CSV and
// JSON Lines sources, and their unreadable values).
#include "tst_typefidelity.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/connectors/csvconnector.h"
#include "sync/connectors/jsonlconnector.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;
using namespace fidelity;

namespace fidelity {

inline const QString kSrc = QStringLiteral("fid src");
inline const QString kDst = QStringLiteral("fid dst");

inline QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\""))
        + QLatin1Char('"');
}

inline QString qualified(const QString &schema, const QString &table)
{
    return q(schema) + QLatin1Char('.') + q(table);
}

// Column by column, the strictest comparison PostgreSQL has: json has no equality (its text
// is compared), and floats and intervals are compared as text too, so -0 differs from 0 and
// '1 mon' from '30 days'.
inline QString sameRow(const QString &a, const QString &b)
{
    QStringList parts;
    for (const QString &column : kColumnNames) {
        const QString x = a + u"."_s + q(column);
        const QString y = b + u"."_s + q(column);
        if (column == u"j"_s) {
            parts << u"CAST(%1 AS text) IS NOT DISTINCT FROM CAST(%2 AS text)"_s.arg(x, y);
            continue;
        }
        parts << u"%1 IS NOT DISTINCT FROM %2"_s.arg(x, y);
        if (column == u"f8"_s || column == u"f4"_s || column == u"iv"_s)
            parts << u"CAST(%1 AS text) IS NOT DISTINCT FROM CAST(%2 AS text)"_s.arg(x, y);
    }
    return parts.join(u" AND "_s);
}

inline QString describe(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

inline QJsonObject identityMapping()
{
    QJsonArray fields;
    for (const QString &column : kColumnNames)
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    return QJsonObject { { u"fields"_s, fields } };
}

} // namespace fidelity

class TestTypeFidelity final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyValueSurvives_data();
    void everyValueSurvives();
    void everyValueSurvivesFromSqliteAndFiles_data();
    void everyValueSurvivesFromSqliteAndFiles();
    void fullThenHashFindsNothing();
    void valueTheTargetCannotHoldIsQuarantined();
    void minusZeroIntoSqliteRealIsQuarantined();
    void unreadableSourceValueIsQuarantined_data();
    void unreadableSourceValueIsQuarantined();
    void typeModifiersAreNotRoundedAway();

private:
    void sql(const QString &statement) { m_admin->execDirect(statement, "test setup"); }
    void sqlite(const QString &statement);
    void sqliteSource(const QString &statement) { m_sqliteSourceAdmin->execDirect(statement, "test setup"); }
    QStringList differences(const QString &source, const QString &target);
    PairSpec pair(const QString &id, const QString &source, const QString &target,
                  ChangeMode mode) const;
    RunResult run(SourceConnector &source, TargetConnector &target, const PairSpec &spec,
                  bool forceFull = false);
    static SystemSettings fileSettings(const QString &kind, const QString &folder);
    void changeSource(const QString &table);

    QString m_url;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<tf::db::Database> m_sqliteAdmin;
    std::unique_ptr<PostgresConnector> m_src;
    std::unique_ptr<PostgresConnector> m_dst;
    std::unique_ptr<SqliteConnector> m_sqlite;
    std::unique_ptr<tf::db::Database> m_sqliteSourceAdmin;
    std::unique_ptr<SqliteConnector> m_sqliteSource; // a second file, so sqlite -> sqlite is two databases
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
    std::unique_ptr<ControlDbStateStore> m_controlState; // for the file targets
};

