// The COPY text's appends (sync/byteappend.h): into an empty array, one with room, a full one
// (grown), and a shared one (detached: the other copy keeps its bytes); the terminating NUL
// stays after every append, and appendSpace/commitSpace write only what was committed.
#include "sync/byteappend.h"

#include <QtTest>

using namespace tf::sync;

class TestByteAppend final : public QObject
{
    Q_OBJECT

private slots:
    void appendsToAnEmptyArray()
    {
        QByteArray out;
        appendBytes(out, "abc", 3);
        appendByte(out, '\t');
        appendBytes(out, QByteArrayLiteral("de"));
        appendBytes(out, "ignored", 0);
        QCOMPARE(out, QByteArrayLiteral("abc\tde"));
        QCOMPARE(out.constData()[out.size()], '\0');
    }

    void appendsInPlaceWhileThereIsRoomAndGrowsAfter()
    {
        QByteArray out;
        out.reserve(16);
        const char *const before = out.constData();
        QByteArray expected;
        for (int i = 0; i < 1000; ++i) {
            const QByteArray piece = QByteArray::number(i) + (i % 3 ? "," : "\n");
            appendBytes(out, piece.constData(), piece.size());
            expected += piece;
            if (out.size() < 15)
                QCOMPARE(out.constData(), before); // no reallocation while it fits
            QCOMPARE(out.constData()[out.size()], '\0');
        }
        QCOMPARE(out, expected);
        QVERIFY(out.capacity() >= out.size());
    }

    void aSharedCopyKeepsItsBytes()
    {
        QByteArray out = QByteArrayLiteral("shared");
        out.reserve(64);
        const QByteArray other = out; // shares out's data
        appendBytes(out, " text", 5);
        appendByte(out, '!');
        QCOMPARE(out, QByteArrayLiteral("shared text!"));
        QCOMPARE(other, QByteArrayLiteral("shared"));
        QCOMPARE(other.constData()[other.size()], '\0');
    }

    void commitsOnlyWhatWasWritten()
    {
        QByteArray out = QByteArrayLiteral("x");
        char *space = appendSpace(out, 100);
        QVERIFY(out.capacity() - out.size() > 100);
        std::memcpy(space, "yz", 2);
        commitSpace(out, 2);
        QCOMPARE(out, QByteArrayLiteral("xyz"));
        QCOMPARE(out.size(), 3);
        QCOMPARE(out.constData()[3], '\0');
    }
};

QTEST_APPLESS_MAIN(TestByteAppend)
#include "tst_byteappend.moc"
