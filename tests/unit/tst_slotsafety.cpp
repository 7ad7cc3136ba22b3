#include "sync/cdc/slotsafety.h"

#include <QtTest>

using namespace tf::sync::cdc;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(SlotProblem)

class TestSlotSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdicts_data()
    {
        QTest::addColumn<QString>("systemId");
        QTest::addColumn<int>("timeline");
        QTest::addColumn<bool>("slotExists");
        QTest::addColumn<QString>("walStatus");
        QTest::addColumn<QString>("confirmed");
        QTest::addColumn<SlotProblem>("problem");
        QTest::addColumn<QString>("mentions"); // a part of the message

        // Stored: system 7301, timeline 1, applied up to 0/3000.
        QTest::newRow("all well") << u"7301"_s << 1 << true << u"reserved"_s << u"0/3000"_s
                                  << SlotProblem::None << QString();
        QTest::newRow("slot behind us (not yet confirmed)")
            << u"7301"_s << 1 << true << u"extended"_s << u"0/2000"_s << SlotProblem::None
            << QString();
        QTest::newRow("unreserved is a warning, not a stop")
            << u"7301"_s << 1 << true << u"unreserved"_s << u"0/3000"_s << SlotProblem::None
            << QString();
        QTest::newRow("slot gone") << u"7301"_s << 1 << false << QString() << QString()
                                   << SlotProblem::SlotMissing << u"tf_pair_1 is gone"_s;
        QTest::newRow("advanced past us") << u"7301"_s << 1 << true << u"reserved"_s << u"0/3001"_s
                                          << SlotProblem::AdvancedPastUs << u"advanced to 0/3001"_s;
        QTest::newRow("wal lost") << u"7301"_s << 1 << true << u"lost"_s << u"0/3000"_s
                                  << SlotProblem::WalLost << u"wal_status lost"_s;
        QTest::newRow("another cluster") << u"9999"_s << 1 << true << u"reserved"_s << u"0/3000"_s
                                         << SlotProblem::SystemChanged << u"system id 9999"_s;
        QTest::newRow("failover") << u"7301"_s << 2 << true << u"reserved"_s << u"0/3000"_s
                                  << SlotProblem::TimelineChanged << u"from 1 to 2"_s;
        // A failover usually also loses the slot: the cause named is the failover.
        QTest::newRow("failover without the slot")
            << u"7301"_s << 2 << false << QString() << QString() << SlotProblem::TimelineChanged
            << u"from 1 to 2"_s;
    }

    void verdicts()
    {
        QFETCH(QString, systemId);
        QFETCH(int, timeline);
        QFETCH(bool, slotExists);
        QFETCH(QString, walStatus);
        QFETCH(QString, confirmed);
        QFETCH(SlotProblem, problem);
        QFETCH(QString, mentions);

        const StoredPosition stored { u"tf_pair_1"_s, u"7301"_s, 1, *parseLsn(u"0/3000") };
        std::optional<SlotState> slot;
        if (slotExists) {
            slot = SlotState {};
            slot->name = stored.slot;
            slot->walStatus = walStatus;
            slot->confirmedFlushLsn = *parseLsn(confirmed);
        }
        SystemIdentity server;
        server.systemId = systemId;
        server.timeline = timeline;
        const SlotVerdict verdict = checkSlot(stored, slot, server);
        QCOMPARE(verdict.problem, problem);
        QCOMPARE(verdict.ok(), problem == SlotProblem::None);
        if (problem == SlotProblem::None) {
            QVERIFY(verdict.message.isEmpty());
            return;
        }
        QVERIFY2(verdict.message.contains(mentions), qPrintable(verdict.message));
        QVERIFY(!verdict.repair.isEmpty());
        QVERIFY(slotProblemName(problem) != u"unknown"_s);
    }

    // A pair that never streamed has stored no server yet: only the slot is checked.
    void firstStart()
    {
        const StoredPosition stored { u"tf_pair_2"_s, QString(), 0, 0x5000 };
        SlotState slot;
        slot.confirmedFlushLsn = 0x5000;
        SystemIdentity server;
        server.systemId = u"1"_s;
        server.timeline = 3;
        QVERIFY(checkSlot(stored, slot, server).ok());
    }
};

QTEST_GUILESS_MAIN(TestSlotSafety)
#include "tst_slotsafety.moc"
