// A page's filters over a resource table: field values, time ranges and text, kept across
// refreshes (rows enter and leave the filtered view as they change, with no reset).
#include "models/csvexport.h"
#include "models/quarantinemodel.h"
#include "models/resourcefiltermodel.h"
#include "models/syncpairsmodel.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

using namespace tf::console;

namespace {

QJsonObject entry(qint64 id, qint64 pair, const QString &rule, const QString &created,
                  const QString &message = QStringLiteral("invalid"))
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("pair_id"), pair },
             { QStringLiteral("entity"), QStringLiteral("patients") },
             { QStringLiteral("rule"), rule },
             { QStringLiteral("field"), QStringLiteral("name") },
             { QStringLiteral("message"), message },
             { QStringLiteral("status"), QStringLiteral("open") },
             { QStringLiteral("attempts"), 1 },
             { QStringLiteral("created_at"), created } };
}

QJsonArray entries()
{
    return { entry(1, 3, QStringLiteral("not_null"), QStringLiteral("2026-11-28T10:00:00.000Z")),
             entry(2, 3, QStringLiteral("max_length"), QStringLiteral("2026-11-28T12:00:00.000Z"),
                   QStringLiteral("name longer than 40")),
             entry(3, 4, QStringLiteral("not_null"), QStringLiteral("2026-11-28T14:00:00.000Z")),
             entry(4, 5, QStringLiteral("regex"), QStringLiteral("2026-11-28T16:00:00.000Z")) };
}

QList<qint64> shownIds(const QAbstractItemModel &proxy)
{
    QList<qint64> ids;
    for (int row = 0; row < proxy.rowCount(); ++row)
        ids.append(proxy.index(row, 0).data(ResourceTableModel::IdRole).toLongLong());
    return ids;
}

QDateTime utc(const char *text)
{
    return QDateTime::fromString(QLatin1String(text), Qt::ISODate);
}

} // namespace

class TestResourceFilterModel : public QObject
{
    Q_OBJECT

private slots:
    void filtersByFieldValues();
    void filtersByTimeRange();
    void filtersByShownText();
    void dottedFieldsReadNestedObjects();
    void refreshMovesRowsInAndOutOfTheFilter();
    void exportsTheFilteredView();
};

void TestResourceFilterModel::filtersByFieldValues()
{
    QuarantineModel model;
    ResourceFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.applyItems(entries());
    QCOMPARE(shownIds(filter), (QList<qint64> { 1, 2, 3, 4 }));
    QVERIFY(!filter.hasFilters());

    filter.setFieldFilter(QStringLiteral("pair_id"), { QStringLiteral("3") });
    QCOMPARE(shownIds(filter), (QList<qint64> { 1, 2 }));
    filter.setFieldFilter(QStringLiteral("rule"),
                          { QStringLiteral("not_null"), QStringLiteral("regex") });
    QCOMPARE(shownIds(filter), (QList<qint64> { 1 }));
    filter.setFieldFilter(QStringLiteral("pair_id"), {});
    QCOMPARE(shownIds(filter), (QList<qint64> { 1, 3, 4 }));
    filter.setFieldFilter(QStringLiteral("no_such_field"), { QStringLiteral("x") });
    QCOMPARE(shownIds(filter), QList<qint64> {});
    filter.clearFilters();
    QCOMPARE(filter.rowCount(), 4);
    QCOMPARE(model.resetCount(), 0);
}

void TestResourceFilterModel::filtersByTimeRange()
{
    QuarantineModel model;
    ResourceFilterModel filter;
    filter.setSourceModel(&model);
    model.applyItems(entries());

    // Older than 13:00 (an age filter), a window, then from 13:00 UTC given in another zone.
    filter.setTimeRange(QStringLiteral("created_at"), {}, utc("2026-11-28T13:00:00Z"));
    QCOMPARE(shownIds(filter), (QList<qint64> { 1, 2 }));
    filter.setTimeRange(QStringLiteral("created_at"), utc("2026-11-28T12:00:00Z"),
                        utc("2026-11-28T16:00:00Z"));
    QCOMPARE(shownIds(filter), (QList<qint64> { 2, 3 }));
    filter.setTimeRange(QStringLiteral("created_at"), utc("2026-11-28T15:00:00+02:00"), {});
    QCOMPARE(shownIds(filter), (QList<qint64> { 3, 4 }));
    filter.setTimeRange(QStringLiteral("updated_at"), utc("2026-01-01T00:00:00Z"), {});
    QCOMPARE(filter.rowCount(), 0); // no row has the field
    filter.setTimeRange(QStringLiteral("updated_at"), {}, {});
    filter.setTimeRange(QStringLiteral("created_at"), {}, {});
    QCOMPARE(filter.rowCount(), 4);
}

void TestResourceFilterModel::filtersByShownText()
{
    QuarantineModel model;
    ResourceFilterModel filter;
    filter.setSourceModel(&model);
    model.applyItems(entries());
    filter.setText(QStringLiteral("  LONGER "));
    QCOMPARE(shownIds(filter), (QList<qint64> { 2 }));
    filter.setText(QStringLiteral("not_"));
    QCOMPARE(shownIds(filter), (QList<qint64> { 1, 3 }));
    filter.setFieldFilter(QStringLiteral("pair_id"), { QStringLiteral("4") });
    QCOMPARE(shownIds(filter), (QList<qint64> { 3 }));
    filter.setText({});
    filter.setFieldFilter(QStringLiteral("pair_id"), {});
    QCOMPARE(filter.rowCount(), 4);
}

void TestResourceFilterModel::dottedFieldsReadNestedObjects()
{
    SyncPairsModel model;
    ResourceFilterModel filter;
    filter.setSourceModel(&model);
    const auto pair = [](qint64 id, const char *mode, const char *lastStatus, bool enabled) {
        return QJsonObject { { QStringLiteral("id"), id },
                             { QStringLiteral("name"), QStringLiteral("pair %1").arg(id) },
                             { QStringLiteral("enabled"), enabled },
                             { QStringLiteral("definition"),
                               QJsonObject { { QStringLiteral("mode"), QLatin1String(mode) } } },
                             { QStringLiteral("last_operation"),
                               QJsonObject {
                                   { QStringLiteral("status"), QLatin1String(lastStatus) } } } };
    };
    model.applyItems({ pair(1, "hash", "failed", true), pair(2, "cursor", "completed", false),
                       pair(3, "hash", "completed", true) });
    filter.setFieldFilter(QStringLiteral("last_operation.status"), { QStringLiteral("failed") });
    QCOMPARE(shownIds(filter), (QList<qint64> { 1 }));
    filter.clearFilters();
    filter.setFieldFilter(QStringLiteral("definition.mode"), { QStringLiteral("hash") });
    filter.setFieldFilter(QStringLiteral("enabled"), { QStringLiteral("true") });
    QCOMPARE(shownIds(filter), (QList<qint64> { 1, 3 }));
    QCOMPARE(
        ResourceFilterModel::fieldText(pair(1, "hash", "x", true), QStringLiteral("name.deeper")),
        QString());
}

void TestResourceFilterModel::refreshMovesRowsInAndOutOfTheFilter()
{
    QuarantineModel model;
    ResourceFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.applyItems(entries());
    filter.setFieldFilter(QStringLiteral("rule"), { QStringLiteral("not_null") });
    filter.sort(QuarantineModel::CreatedColumn, Qt::DescendingOrder);
    QCOMPARE(shownIds(filter), (QList<qint64> { 3, 1 }));

    QItemSelectionModel selection(&filter);
    selection.select(filter.index(1, 0),
                     QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);

    QSignalSpy resets(&filter, &QAbstractItemModel::modelAboutToBeReset);
    // 3 now fails another rule and leaves the view; 4 starts failing not_null and enters;
    // 5 is new and matches; 1 is unchanged and stays selected.
    QJsonArray next = entries();
    next.replace(2,
                 entry(3, 4, QStringLiteral("regex"), QStringLiteral("2026-11-28T14:00:00.000Z")));
    next.replace(
        3, entry(4, 5, QStringLiteral("not_null"), QStringLiteral("2026-11-28T16:00:00.000Z")));
    next.append(
        entry(5, 5, QStringLiteral("not_null"), QStringLiteral("2026-11-28T09:00:00.000Z")));
    model.applyItems(next);

    QCOMPARE(shownIds(filter), (QList<qint64> { 4, 1, 5 }));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.resetCount(), 0);
    const QModelIndexList selected = selection.selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(ResourceTableModel::IdRole).toLongLong(), 1);
}

void TestResourceFilterModel::exportsTheFilteredView()
{
    QuarantineModel model;
    ResourceFilterModel filter;
    filter.setSourceModel(&model);
    model.applyItems(entries());
    filter.setFieldFilter(QStringLiteral("pair_id"), { QStringLiteral("3") });
    filter.sort(QuarantineModel::IdColumn, Qt::DescendingOrder);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    CsvExportOptions options;
    options.columns = { QuarantineModel::IdColumn, QuarantineModel::RuleColumn };
    QVERIFY(exportCsv(filter, buffer, options));
    QCOMPARE(buffer.data(), QByteArray("ID,Rule\r\n2,max_length\r\n1,not_null\r\n"));
}

QTEST_GUILESS_MAIN(TestResourceFilterModel)
#include "tst_resourcefiltermodel.moc"
