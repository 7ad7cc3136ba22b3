#include "auditcelldelegate.h"

#include <QApplication>
#include <QFontMetrics>
#include <QPainter>
#include <QtMath>

namespace tf::console {

size_t qHash(const AuditCellDelegate::Key &key, size_t seed)
{
    return qHashMulti(seed, key.text, key.width, key.font);
}

AuditCellDelegate::AuditCellDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
    , m_texts(4096) // cells: about twenty screens of seven columns
{ }

const QStaticText &AuditCellDelegate::laidOut(const QString &text, int width, const QFont &font) const
{
    Key key { text, width, font };
    if (QStaticText *found = m_texts.object(key))
        return *found;
    auto *laid = new QStaticText(text);
    laid->setTextFormat(Qt::PlainText);
    laid->prepare(QTransform(), font);
    if (laid->size().width() > width) { // most cells fit: only the others are shaped twice
        laid->setText(QFontMetrics(font).elidedText(text, Qt::ElideRight, width));
        laid->prepare(QTransform(), font);
    }
    m_texts.insert(std::move(key), laid);
    return *laid;
}

void AuditCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
        : (opt.state & QStyle::State_Active)                              ? QPalette::Normal
                                                                           : QPalette::Inactive;
    const bool selected = opt.state & QStyle::State_Selected;
    painter->save();
    if (selected)
        painter->fillRect(opt.rect, opt.palette.brush(group, QPalette::Highlight));
    else if (opt.backgroundBrush.style() != Qt::NoBrush)
        painter->fillRect(opt.rect, opt.backgroundBrush);

    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    const QRect area = opt.rect.adjusted(margin, 0, -margin, 0);
    if (!opt.text.isEmpty() && area.width() > 0) {
        const QStaticText &text = laidOut(opt.text, area.width(), opt.font);
        const int height = QFontMetrics(opt.font).height();
        const int x = opt.direction == Qt::RightToLeft ? area.right() + 1 - qCeil(text.size().width()) : area.left();
        painter->setFont(opt.font);
        painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
        painter->setClipRect(opt.rect);
        painter->drawStaticText(x, area.top() + (area.height() - height) / 2, text);
    }
    painter->restore();

    if (opt.state & QStyle::State_HasFocus) {
        QStyleOptionFocusRect focus;
        focus.QStyleOption::operator=(opt);
        focus.rect = opt.rect;
        focus.state |= QStyle::State_KeyboardFocusChange | QStyle::State_Item;
        focus.backgroundColor = opt.palette.color(group, selected ? QPalette::Highlight : QPalette::Window);
        style->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, painter, widget);
    }
}

} // namespace tf::console
