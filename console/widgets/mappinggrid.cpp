#include "mappinggrid.h"
#include "widgets/tablerows.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {

// The transform cell: pick a function from the engine's list, or type a chain.
class TransformDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        auto *combo = new QComboBox(parent);
        combo->setEditable(true);
        combo->addItem(QString());
        combo->addItems(MappingGrid::transformFunctions());
        combo->setAccessibleName(MappingGrid::tr("Transform"));
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        static_cast<QComboBox *>(editor)->setCurrentText(index.data().toString());
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentText());
    }
};

} // namespace

QStringList MappingGrid::transformFunctions()
{
    // docs/sync-engine.md, Mapping functions.
    return { QStringLiteral("trim"),       QStringLiteral("upper"),         QStringLiteral("lower"),
             QStringLiteral("capitalize"), QStringLiteral("to_int"),        QStringLiteral("to_float"),
             QStringLiteral("to_decimal"), QStringLiteral("to_bool"),       QStringLiteral("invert_bool"),
             QStringLiteral("round(2)"),   QStringLiteral("format_date(yyyy-MM-dd)"),
             QStringLiteral("parse_date(yyyy-MM-dd)"), QStringLiteral("concat(\" \", field)"),
             QStringLiteral("split(\",\", 0)"), QStringLiteral("default(value)"),
             QStringLiteral("coalesce(field)"), QStringLiteral("map({\"a\": \"b\"})"),
             QStringLiteral("constant(value)"), QStringLiteral("uuid_from"),
             QStringLiteral("geometry_wkt"), QStringLiteral("centroid_x"), QStringLiteral("centroid_y") };
}

QString MappingGrid::transformText(const QJsonArray &transform)
{
    QStringList steps;
    for (const QJsonValue &step : transform) {
        if (step.isString()) {
            steps << step.toString();
            continue;
        }
        const QJsonObject object = step.toObject();
        QStringList args;
        for (const QJsonValue &arg : object.value(QLatin1String("args")).toArray()) {
            const QJsonDocument doc(QJsonArray { arg });
            QString text = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
            args << text.mid(1, text.size() - 2);
        }
        steps << QStringLiteral("%1(%2)").arg(object.value(QLatin1String("fn")).toString(), args.join(QStringLiteral(", ")));
    }
    return steps.join(QStringLiteral(" | "));
}

QJsonArray MappingGrid::parseTransform(const QString &text)
{
    static const QRegularExpression call(QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\((.*)\\))?\\s*$"),
                                         QRegularExpression::DotMatchesEverythingOption);
    QJsonArray steps;
    for (const QString &part : text.split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty())
            continue;
        const QRegularExpressionMatch match = call.match(part);
        if (!match.hasMatch()) {
            steps.append(part.trimmed()); // the server names what is wrong with it
            continue;
        }
        if (match.capturedLength(2) == 0 && !part.contains(QLatin1Char('('))) {
            steps.append(match.captured(1));
            continue;
        }
        // Arguments are JSON values ("x", 4, {"a": "b"}); bare words are strings.
        const QString inner = match.captured(2);
        QJsonArray args;
        const QJsonDocument doc = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(inner).toUtf8());
        if (doc.isArray()) {
            args = doc.array();
        } else {
            for (const QString &arg : inner.split(QLatin1Char(',')))
                args.append(arg.trimmed());
        }
        steps.append(QJsonObject { { QStringLiteral("fn"), match.captured(1) }, { QStringLiteral("args"), args } });
    }
    return steps;
}

MappingGrid::MappingGrid(QWidget *parent)
    : QGroupBox(tr("Field mapping"), parent)
{
    const auto named = [](QWidget *widget, const QString &name, const QString &accessible) {
        widget->setObjectName(name);
        widget->setAccessibleName(accessible);
    };
    m_table = new QTableWidget(0, ColumnCount, this);
    named(m_table, QStringLiteral("mappingTable"), tr("Field mapping"));
    m_table->setHorizontalHeaderLabels({ tr("Target field"), tr("Source field"), tr("Transform (a | b(args))") });
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(TargetColumn, 180);
    m_table->setColumnWidth(SourceColumn, 180);
    m_table->verticalHeader()->setDefaultSectionSize(24);
    m_table->setItemDelegateForColumn(TransformColumn, new TransformDelegate(m_table));
    m_table->setToolTip(tr("Transforms: %1").arg(transformFunctions().join(QStringLiteral(", "))));
    m_addRow = new QPushButton(tr("&Add Field"), this);
    named(m_addRow, QStringLiteral("addFieldButton"), tr("Add a mapped field"));
    m_removeRow = new QPushButton(tr("&Remove Field"), this);
    named(m_removeRow, QStringLiteral("removeFieldButton"), tr("Remove the selected mapped fields"));
    connect(m_addRow, &QPushButton::clicked, this, [this] {
        addRow();
        m_table->editItem(m_table->item(m_table->rowCount() - 1, TargetColumn));
    });
    connect(m_removeRow, &QPushButton::clicked, this, [this] {
        removeSelectedRows(m_table);
    });

    auto *layout = new QVBoxLayout(this);
    // The grid's red frame is drawn by this frame: a style sheet on the grid itself would pin
    // its viewport to the palette of the moment (white in the dark theme).
    m_frame = new QFrame(this);
    m_frame->setObjectName(QStringLiteral("mappingFrame"));
    auto *frameLayout = new QVBoxLayout(m_frame);
    frameLayout->setContentsMargins(2, 2, 2, 2);
    frameLayout->addWidget(m_table);
    layout->addWidget(m_frame, 1);
    auto *buttons = new QWidget(this);
    auto *buttonsLayout = new QHBoxLayout(buttons);
    buttonsLayout->setContentsMargins(0, 0, 0, 0);
    buttonsLayout->addWidget(new QWidget(this), 1);
    buttonsLayout->addWidget(m_addRow);
    buttonsLayout->addWidget(m_removeRow);
    layout->addWidget(buttons);
}

void MappingGrid::addRow(const QString &target, const QString &source, const QString &transform)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, TargetColumn, new QTableWidgetItem(target));
    m_table->setItem(row, SourceColumn, new QTableWidgetItem(source));
    m_table->setItem(row, TransformColumn, new QTableWidgetItem(transform));
}

QJsonArray MappingGrid::fields() const
{
    QJsonArray fields;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto text = [this, row](int column) {
            const QTableWidgetItem *item = m_table->item(row, column);
            return item ? item->text().trimmed() : QString();
        };
        QJsonObject field { { QStringLiteral("target"), text(TargetColumn) } };
        if (!text(SourceColumn).isEmpty())
            field.insert(QStringLiteral("source"), text(SourceColumn));
        const QJsonArray transform = parseTransform(text(TransformColumn));
        if (!transform.isEmpty())
            field.insert(QStringLiteral("transform"), transform);
        fields.append(field);
    }
    return fields;
}

void MappingGrid::setFields(const QJsonArray &fields)
{
    m_table->setRowCount(0);
    for (const QJsonValue &value : fields) {
        const QJsonObject field = value.toObject();
        addRow(field.value(QLatin1String("target")).toString(), field.value(QLatin1String("source")).toString(),
               transformText(field.value(QLatin1String("transform")).toArray()));
    }
}

void MappingGrid::markCell(int row, const QString &part, const QString &message)
{
    const int column = part == QLatin1String("source")      ? SourceColumn
                       : part == QLatin1String("transform") ? TransformColumn
                                                            : TargetColumn;
    if (QTableWidgetItem *item = m_table->item(row, column)) {
        item->setBackground(QColor(0xd3, 0x2f, 0x2f, 90));
        item->setToolTip(message);
    }
}

void MappingGrid::clearCellMarks()
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        for (int column = 0; column < ColumnCount; ++column) {
            if (QTableWidgetItem *item = m_table->item(row, column)) {
                item->setBackground(QBrush());
                item->setToolTip(QString());
            }
        }
    }
}

} // namespace tf::console
