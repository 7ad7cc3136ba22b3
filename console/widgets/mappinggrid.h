#pragma once

#include <QGroupBox>
#include <QJsonArray>

class QFrame;
class QPushButton;
class QTableWidget;

namespace tf::console {

// The "Field mapping" box of the pair editor: a grid of target field, source field and
// transform chain, one row a mapped field, with Add/Remove buttons and a transform cell
// that offers the engine's functions. The grid sits in a frame that draws its red border.
class MappingGrid final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MappingGrid)

public:
    enum Column { TargetColumn, SourceColumn, TransformColumn, ColumnCount };

    explicit MappingGrid(QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    // The frame around the grid ("mappingFrame"); it carries the grid's red border.
    QFrame *frame() const { return m_frame; }

    void addRow(const QString &target = {}, const QString &source = {}, const QString &transform = {});
    // mapping.fields as the API takes and gives it.
    QJsonArray fields() const;
    void setFields(const QJsonArray &fields);
    // Marks the cell of fields[row].part ("target", "source" or "transform") with a message.
    void markCell(int row, const QString &part, const QString &message);
    void clearCellMarks();

    // "trim | upper | round(4)" <-> [trim, upper, {fn: round, args: [4]}]
    static QString transformText(const QJsonArray &transform);
    static QJsonArray parseTransform(const QString &text);
    static QStringList transformFunctions();

private:
    QTableWidget *m_table;
    QFrame *m_frame;
    QPushButton *m_addRow;
    QPushButton *m_removeRow;
};

} // namespace tf::console
