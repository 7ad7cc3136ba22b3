// tst_systemspage's fixture: the page on a real gateway and tf-syncd (AdminPageFixture), the
// editor opened the ways an administrator opens it, and what the page and its dialogs show.
#pragma once

#include "adminpagefixture.h"
#include "dialogs/systemeditordialog.h"
#include "models/systemsmodel.h"
#include "pages/systemspage.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace tf::test {

class SystemsPageFixture : public AdminPageFixture<console::SystemsPage>
{
protected:
    using SystemEditorDialog = console::SystemEditorDialog;
    using SystemsModel = console::SystemsModel;
    using SystemsPage = console::SystemsPage;

    SystemEditorDialog *openNewEditor()
    {
        QSignalSpy opened(m_page.get(), &SystemsPage::editorOpened);
        m_page->newAction()->trigger();
        if (opened.size() != 1)
            return nullptr;
        SystemEditorDialog *editor = m_page->editor();
        return editor && QTest::qWaitForWindowExposed(editor) ? editor : nullptr;
    }
    SystemEditorDialog *openEditorOf(qint64 id)
    {
        if (!m_page->selectId(id))
            return nullptr;
        m_page->editAction()->trigger();
        SystemEditorDialog *editor = m_page->editor();
        if (!editor)
            return nullptr;
        QSignalSpy loaded(editor, &SystemEditorDialog::loaded);
        return loaded.wait(10000) && QTest::qWaitForWindowExposed(editor) ? editor : nullptr;
    }
    static void chooseKind(SystemEditorDialog *editor, const QString &kind)
    {
        editor->kindCombo()->setCurrentIndex(editor->kindCombo()->findData(kind));
    }
    // Every text the dialog shows in an editable field.
    static QStringList shownTexts(QWidget *widget)
    {
        QStringList texts;
        for (const QLineEdit *line : widget->findChildren<QLineEdit *>())
            texts << line->text() << line->placeholderText();
        for (const QLabel *label : widget->findChildren<QLabel *>())
            texts << label->text();
        return texts;
    }
    QStringList tableTexts() const
    {
        QStringList texts;
        for (int row = 0; row < m_page->model()->rowCount(); ++row)
            for (int column = 0; column < SystemsModel::ColumnCount; ++column)
                texts << m_page->model()->index(row, column).data().toString()
                      << m_page->model()->index(row, column).data(Qt::ToolTipRole).toString();
        return texts;
    }
    // The delete confirmation the page shows (not one closed before it).
    QMessageBox *confirmation() const
    {
        for (QMessageBox *box : m_page->findChildren<QMessageBox *>(QStringLiteral("confirmation")))
            if (box->isVisible())
                return box;
        return nullptr;
    }
    QJsonObject system(qint64 id) { return api("GET", QStringLiteral("/api/systems/%1").arg(id)).json(); }
    QString cell(qint64 id, int column) const
    {
        return m_page->model()->index(m_page->model()->rowOf(id), column).data().toString();
    }

    std::unique_ptr<QAbstractItemModelTester> m_tester;
    qint64 m_sqlite = 0;
    qint64 m_postgres = 0;
    qint64 m_sqlserver = 0;
    qint64 m_mysql = 0;
    qint64 m_arcgis = 0;
};

} // namespace tf::test
