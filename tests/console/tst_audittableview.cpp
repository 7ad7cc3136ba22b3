// AuditTableView, the audit page's table, on a plain QStandardItemModel: rows appended below
// the screen resize the scroll bar without a layout or a repaint of the rows shown (a page
// fetched while scrolling), rows inserted or removed above the first row on screen leave that
// row where it is (the placeholders resized when the total arrives), and at the very top new
// rows still come into view (Refresh). The cells are drawn by AuditCellDelegate.
#include "widgets/auditcelldelegate.h"
#include "widgets/audittableview.h"

#include <QApplication>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTest>

using tf::console::AuditCellDelegate;
using tf::console::AuditTableView;

namespace {
class PaintCounter final : public QObject
{
public:
    int paints = 0;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

QList<QStandardItem *> rowOf(const QString &name)
{
    return { new QStandardItem(name), new QStandardItem(name + QStringLiteral(" user")),
             new QStandardItem(QStringLiteral("a description long enough to be elided in a narrow column: ") + name) };
}
} // namespace

class TestAuditTableView final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<QStandardItemModel>(0, 3);
        for (int row = 0; row < 100; ++row)
            m_model->appendRow(rowOf(QStringLiteral("row %1").arg(row)));
        m_view = std::make_unique<AuditTableView>();
        m_view->setModel(m_model.get());
        m_view->resize(420, 300);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        QVERIFY(qobject_cast<AuditCellDelegate *>(m_view->itemDelegate()));
        m_view->viewport()->installEventFilter(&m_counter);
        QTest::qWait(50);
    }

    void cleanup()
    {
        m_view.reset();
        m_model.reset();
    }

    void rowsAppendedBelowRepaintNothingOnScreen()
    {
        const int layouts = m_view->fullLayouts();
        const int maximum = m_view->verticalScrollBar()->maximum();
        m_counter.paints = 0;
        for (int row = 100; row < 150; ++row)
            m_model->appendRow(rowOf(QStringLiteral("row %1").arg(row)));
        QTRY_COMPARE(m_view->verticalScrollBar()->maximum(), maximum + 50);
        QTest::qWait(50); // room for a (wrong) delayed layout and paint
        QCOMPARE(m_view->fullLayouts(), layouts);
        QCOMPARE(m_counter.paints, 0);
        QCOMPARE(m_view->rowAt(0), 0);

        // A row inserted on screen is laid out and painted as QTableView does.
        m_model->insertRow(2, rowOf(QStringLiteral("new")));
        QTRY_VERIFY(m_counter.paints > 0);
        QCOMPARE(m_view->fullLayouts(), layouts + 1);
        QCOMPARE(m_view->model()->index(2, 0).data().toString(), QStringLiteral("new"));
    }

    void rowsAboveTheScreenDoNotMoveIt()
    {
        m_view->verticalScrollBar()->setValue(40);
        m_view->setCurrentIndex(m_model->index(45, 0)); // on screen, as the page's selected row (a current row removed moves the view)
        QCOMPARE(topText(), QStringLiteral("row 40"));
        m_model->insertRows(5, 10);
        QCOMPARE(m_view->rowAt(0), 50);
        QCOMPARE(topText(), QStringLiteral("row 40"));
        m_model->removeRows(0, 30);
        QCOMPARE(m_view->rowAt(0), 20);
        QCOMPARE(topText(), QStringLiteral("row 40"));
        QTest::qWait(50); // the delayed layout keeps it too
        QCOMPARE(topText(), QStringLiteral("row 40"));
        QCOMPARE(m_view->currentIndex().data().toString(), QStringLiteral("row 45"));

        // At the bottom, the last row (selected, as after Ctrl+End) stays wholly on screen.
        const int last = m_model->rowCount() - 1;
        m_view->setCurrentIndex(m_model->index(last, 0));
        m_view->scrollToBottom();
        const QString lastText = m_model->index(last, 0).data().toString();
        QVERIFY(m_view->visualRect(m_model->index(last, 0)).bottom() < m_view->viewport()->height());
        m_model->removeRows(10, 20);
        m_model->insertRows(5, 3);
        QTest::qWait(50);
        QCOMPARE(m_model->index(m_model->rowCount() - 1, 0).data().toString(), lastText);
        const QRect lastRect = m_view->visualRect(m_model->index(m_model->rowCount() - 1, 0));
        QVERIFY2(lastRect.top() >= 0 && lastRect.bottom() < m_view->viewport()->height(),
                 qPrintable(QStringLiteral("last row at %1..%2 of %3").arg(lastRect.top()).arg(lastRect.bottom()).arg(m_view->viewport()->height())));

        // At the top, new rows come into view.
        m_view->verticalScrollBar()->setValue(0);
        m_model->insertRow(0, rowOf(QStringLiteral("newest")));
        QTest::qWait(50);
        QCOMPARE(m_view->rowAt(0), 0);
        QCOMPARE(topText(), QStringLiteral("newest"));
    }

private:
    QString topText() const { return m_model->index(m_view->rowAt(0), 0).data().toString(); }

    std::unique_ptr<QStandardItemModel> m_model;
    std::unique_ptr<AuditTableView> m_view;
    PaintCounter m_counter;
};

QTEST_MAIN(TestAuditTableView)
#include "tst_audittableview.moc"
