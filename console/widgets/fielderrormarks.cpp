#include "fielderrormarks.h"

#include <QEvent>
#include <QVariant>
#include <QWidget>

namespace tf::console {

FieldErrorMarks::FieldErrorMarks(QWidget *form)
    : QObject(form)
{
    form->installEventFilter(this);
}

void FieldErrorMarks::setFrame(QWidget *widget, QWidget *frame)
{
    m_frames.insert(widget, frame);
}

void FieldErrorMarks::mark(const QString &field, QWidget *widget, const QString &message)
{
    if (!widget->property("invalid").toBool())
        widget->setProperty("baseToolTip", widget->toolTip());
    m_marked.insert(field, widget);
    widget->setProperty("invalid", true);
    applyStyle(widget);
    const QString previous = widget->property("invalidMessages").toString();
    const QString messages = previous.isEmpty() ? message : previous + QLatin1Char('\n') + message;
    widget->setProperty("invalidMessages", messages);
    widget->setToolTip(messages);
}

void FieldErrorMarks::applyStyle(QWidget *widget)
{
    QWidget *frame = m_frames.value(widget);
    QWidget *styled = frame ? frame : widget;
    const QString selector = frame ? QStringLiteral("QFrame#") + frame->objectName()
                                   : QString::fromLatin1(widget->metaObject()->className());
    styled->setStyleSheet(QString());
    styled->setStyleSheet(selector + QStringLiteral(" { border: 2px solid #d32f2f; }"));
}

bool FieldErrorMarks::eventFilter(QObject *watched, QEvent *event)
{
    // A style sheet keeps the palette it was polished with: apply the red borders again when
    // the theme changes, so the fields follow the dark or light palette.
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        && !m_restyling) {
        m_restyling = true;
        for (QWidget *widget : std::as_const(m_marked))
            applyStyle(widget);
        m_restyling = false;
    }
    return QObject::eventFilter(watched, event);
}

void FieldErrorMarks::clear()
{
    for (QWidget *widget : std::as_const(m_marked)) {
        widget->setProperty("invalid", false);
        widget->setProperty("invalidMessages", QVariant());
        widget->setStyleSheet(QString());
        widget->setToolTip(widget->property("baseToolTip").toString());
        if (QWidget *frame = m_frames.value(widget))
            frame->setStyleSheet(QString());
    }
    m_marked.clear();
}

} // namespace tf::console
