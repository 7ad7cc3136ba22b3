#pragma once

#include <QList>
#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolBar;

namespace tf::console {

class GatewayClient;

// The log of one sync operation (GET /api/sync-operations/{id}/logs): the lines with their
// time and level, tailed while the operation runs (each tail() asks only for the lines after
// the last one held, one request at a time, so it adds no timer of its own: the page calls it
// when the change feed or its poll says the operation moved), a Scroll Lock toggle (unlocked,
// the view follows new lines; scrolling up locks it), a search (Ctrl+F; F3 / Shift+F3 next and
// previous; every match highlighted and counted), Next Error (F8: the next warning or error
// line) and Download (Ctrl+S: every line of the operation, fetched page by page, into a
// .log or .txt file).
class OperationLogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationLogView)

public:
    struct Line
    {
        qint64 id = 0;
        QString createdAt;
        QString level; // info, warning, error
        QString text;
    };

    explicit OperationLogView(GatewayClient *client, QWidget *parent = nullptr);

    // Shows this operation's log (clears it when the operation changes; -1: none) and asks
    // for the lines not held yet. `active`: the operation is queued or running; once a fetch
    // made after it stopped being active has answered, tail() asks no more.
    void tail(qint64 operationId, bool active);
    void clear();

    qint64 operationId() const { return m_operationId; }
    const QList<Line> &lines() const { return m_lines; }
    QPlainTextEdit *text() const { return m_text; }
    QLineEdit *searchField() const { return m_search; }
    // Search matches: how many, and which one is current (0-based; -1 when none).
    int matchCount() const { return int(m_matches.size()); }
    int currentMatch() const { return m_current; }
    // The line (index in lines()) the cursor is on.
    int currentLine() const;
    bool isFollowing() const;

    QAction *findAction() const { return m_findAction; }
    QAction *nextMatchAction() const { return m_nextAction; }
    QAction *previousMatchAction() const { return m_previousAction; }
    QAction *scrollLockAction() const { return m_scrollLockAction; }
    QAction *nextErrorAction() const { return m_nextErrorAction; }
    QAction *downloadAction() const { return m_downloadAction; }

    // Download without the file dialog: every line of the operation into `path`; done(ok, message).
    void downloadTo(const QString &path,
                    const std::function<void(bool ok, const QString &message)> &done);
    // The text a download writes for these lines (one line each: time, level, text).
    static QString fileText(const QList<Line> &lines);

public slots:
    void startSearch();
    void findNext();
    void findPrevious();
    void nextError();

signals:
    // A fetch answered (ok or not); `added` lines were new.
    void fetched(bool ok, int added);
    void downloaded(bool ok, const QString &message);

private:
    void fetch();
    void append(const QList<Line> &lines);
    void updateMatches();
    void showMatch(int index);
    void updateSelections();
    void scrollToEnd();
    void download();

    GatewayClient *m_client;
    QToolBar *m_tools;
    QLineEdit *m_search;
    QLabel *m_count;
    QLabel *m_status;
    QPlainTextEdit *m_text;
    QAction *m_findAction;
    QAction *m_nextAction;
    QAction *m_previousAction;
    QAction *m_scrollLockAction;
    QAction *m_nextErrorAction;
    QAction *m_downloadAction;
    QList<Line> m_lines;
    QList<QPair<int, int>> m_matches; // (position, length) in the document
    int m_current = -1;
    qint64 m_operationId = -1;
    qint64 m_lastId = 0;
    bool m_active = false;
    bool m_complete = false; // every line of a finished operation is held
    bool m_inFlight = false;
    bool m_again = false;
    bool m_scrolling = false; // the view scrolls itself: not the user locking it
    quint64 m_generation = 0; // bumps when the operation changes: late answers are dropped
};

} // namespace tf::console
