#pragma once

#include <QCache>
#include <QFont>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace tf::console {

// A cell of the audit table: background (marked row, selection), one line of text elided on
// the right, the focus frame. The elided text is laid out once into a QStaticText and kept
// (the last few thousand cells), so repainting rows already shown shapes no text again; the
// style's own item drawing lays the text out twice at every paint (eliding, then drawing),
// which was most of a scroll's paint time over a million-entry trail.
class AuditCellDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditCellDelegate)

public:
    explicit AuditCellDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    struct Key
    {
        QString text;
        int width = 0;
        QFont font;
        bool operator==(const Key &other) const { return width == other.width && text == other.text && font == other.font; }
    };

private:
    const QStaticText &laidOut(const QString &text, int width, const QFont &font) const;

    mutable QCache<Key, QStaticText> m_texts;
};

size_t qHash(const AuditCellDelegate::Key &key, size_t seed = 0);

} // namespace tf::console
