#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

class QWidget;

namespace tf::console {

// The red marks a 422 leaves on a form: each widget a field error names gets a red border
// (a table gets it on the frame around it, set with setFrame: a style sheet on the table
// itself would pin its viewport to the palette of the moment), its messages as tooltip and the
// property "invalid". The marks are applied again when the form's palette or style changes,
// so they follow the light and dark themes; clear() gives every widget back its tooltip.
class FieldErrorMarks final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FieldErrorMarks)

public:
    // form: the dialog whose palette changes are followed.
    explicit FieldErrorMarks(QWidget *form);

    // The border of `widget` is drawn by `frame` (an object-named QFrame around it).
    void setFrame(QWidget *widget, QWidget *frame);
    void mark(const QString &field, QWidget *widget, const QString &message);
    void clear();
    QStringList fields() const { return m_marked.keys(); }
    QWidget *anyWidget() const { return m_marked.isEmpty() ? nullptr : m_marked.cbegin().value(); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyStyle(QWidget *widget);

    QHash<QString, QWidget *> m_marked;
    QHash<QWidget *, QWidget *> m_frames;
    bool m_restyling = false;
};

} // namespace tf::console
