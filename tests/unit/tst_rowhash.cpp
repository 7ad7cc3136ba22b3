// The row hash hash mode compares (rowHash): equal rows hash alike, and every change of value,
// NULL versus any text included, changes it (issue 11: no change may go unseen).
#include "sync/row.h"

#include <QtTest>

using namespace tf::sync;

class TestRowHash final : public QObject
{
    Q_OBJECT

private slots:
    void nullIsNoText()
    {
        const Schema schema({ Column { QStringLiteral("a"), ValueType::Text, true } });
        const QByteArray null = rowHash(Row { QVariant() }, schema);
        QVERIFY(null != rowHash(Row { QStringLiteral("\\N") }, schema)); // what canonicalValue writes for NULL
        QVERIFY(null != rowHash(Row { QString(QLatin1String("")) }, schema));
        QVERIFY(null != rowHash(Row { QStringLiteral("N;") }, schema));
        QCOMPARE(null, rowHash(Row { QVariant() }, schema));
    }

    void valuesDoNotRunIntoEachOther()
    {
        const Schema two({ Column { QStringLiteral("a"), ValueType::Text, true },
                           Column { QStringLiteral("b"), ValueType::Text, true } });
        QVERIFY(rowHash(Row { QStringLiteral("ab"), QStringLiteral("c") }, two)
                != rowHash(Row { QStringLiteral("a"), QStringLiteral("bc") }, two));
        QVERIFY(rowHash(Row { QVariant(), QStringLiteral("N;") }, two) != rowHash(Row { QStringLiteral("N;"), QVariant() }, two));
        QCOMPARE(rowHash(Row { QStringLiteral("x"), QVariant() }, two), rowHash(Row { QStringLiteral("x"), QVariant() }, two));
    }
};

QTEST_GUILESS_MAIN(TestRowHash)
#include "tst_rowhash.moc"
