// codePoints() and utf8Length() (sync/textlength.h), which check varchar(n), CHAR(n) and TEXT
// limits per value without a copy: the same counts as toUcs4().size() and toUtf8().size() for
// ASCII, 2- and 3-byte characters, surrogate pairs and unpaired surrogates anywhere.
#include "sync/textlength.h"

#include <QString>
#include <QtTest>

using namespace tf::sync;

class TestTextLength final : public QObject
{
    Q_OBJECT

private slots:
    void countsAsTheCopiesDo_data()
    {
        QTest::addColumn<QString>("text");
        const QChar high(char16_t(0xD83D));
        const QChar low(char16_t(0xDE00));
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << QStringLiteral("abc 123");
        QTest::newRow("latin") << QStringLiteral("\u00e9\u00e9");
        QTest::newRow("cjk") << QStringLiteral("\u6771\u4eac");
        QTest::newRow("emoji") << QStringLiteral("\u00e9\u00e9\U0001F600");
        QTest::newRow("two emoji") << QStringLiteral("\U0001F600\U0001F468");
        QTest::newRow("high alone at the end") << (QStringLiteral("ab") + high);
        QTest::newRow("low alone at the start") << (QString(low) + QStringLiteral("ab"));
        QTest::newRow("low before high") << (QString(low) + high);
        QTest::newRow("high high low") << (QString(high) + high + low);
        QTest::newRow("boundaries") << QStringLiteral("\u007f\u0080\u07ff\u0800\uffff");
    }

    void countsAsTheCopiesDo()
    {
        QFETCH(QString, text);
        QCOMPARE(codePoints(text), text.toUcs4().size());
        QCOMPARE(utf8Length(text), text.toUtf8().size());
    }

    void anEmojiIsOneCharacterAndFourBytes()
    {
        QCOMPARE(codePoints(QStringLiteral("\U0001F600")), 1);
        QCOMPARE(utf8Length(QStringLiteral("\U0001F600")), 4);
        QCOMPARE(codePoints(QStringLiteral("abcd")), 4);
    }
};

QTEST_GUILESS_MAIN(TestTextLength)
#include "tst_textlength.moc"
