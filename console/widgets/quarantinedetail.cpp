#include "quarantinedetail.h"

#include "models/resourcetablemodel.h"
#include "settings/displaysettings.h"

#include <QAction>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

namespace {

constexpr int OriginalRole = Qt::UserRole + 1; // the JSON value a cell started from

QString valueText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QString();
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (number == double(qint64(number)))
            return QString::number(qint64(number));
        return QString::number(number, 'g', 15);
    }
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

// The edited text as the JSON type the field had: numbers stay numbers, empty is null.
QJsonValue valueFromText(const QString &text, const QJsonValue &original)
{
    if (text.isEmpty() && !original.isString())
        return QJsonValue::Null;
    if (original.isDouble() || original.isNull()) {
        bool ok = false;
        const qint64 integer = text.toLongLong(&ok);
        if (ok)
            return integer;
        const double number = text.toDouble(&ok);
        if (ok)
            return number;
    }
    if (original.isBool()) {
        if (text.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            return true;
        if (text.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
            return false;
    }
    return text;
}

void fillRowTable(QTableWidget *table, const QJsonObject &row, bool editable)
{
    table->setRowCount(int(row.size()));
    int i = 0;
    for (auto it = row.begin(); it != row.end(); ++it, ++i) {
        auto *name = new QTableWidgetItem(it.key());
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        auto *value = new QTableWidgetItem(valueText(it.value()));
        value->setData(OriginalRole, QVariant::fromValue(it.value().toVariant()));
        value->setData(OriginalRole + 1, int(it.value().type()));
        Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
        if (editable)
            flags |= Qt::ItemIsEditable;
        value->setFlags(flags);
        table->setItem(i, 0, name);
        table->setItem(i, 1, value);
    }
    table->resizeColumnToContents(0);
}

QTableWidget *makeRowTable(const QString &objectName, const QString &accessibleName, QWidget *parent)
{
    auto *table = new QTableWidget(0, 2, parent);
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setHorizontalHeaderLabels({ QObject::tr("Field"), QObject::tr("Value") });
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectItems);
    return table;
}

} // namespace

QuarantineDetail::QuarantineDetail(QWidget *parent)
    : QWidget(parent)
    , m_failure(new QLabel(this))
    , m_source(makeRowTable(QStringLiteral("sourceRow"), tr("Source row"), this))
    , m_transformed(makeRowTable(QStringLiteral("transformedRow"), tr("Transformed row, editable"), this))
    , m_buttons(new QHBoxLayout)
{
    setObjectName(QStringLiteral("quarantineDetail"));
    m_source->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_transformed->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                                   | QAbstractItemView::AnyKeyPressed);

    // What failed, the source row, the editable transformed row.
    m_failure->setObjectName(QStringLiteral("quarantineFailure"));
    m_failure->setWordWrap(true);
    m_failure->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failure->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *sourceBox = new QGroupBox(tr("Source row"), this);
    (new QVBoxLayout(sourceBox))->addWidget(m_source);
    auto *editBox = new QGroupBox(tr("Transformed row (double-click a value to edit)"), this);
    auto *editLayout = new QVBoxLayout(editBox);
    editLayout->addWidget(m_transformed);
    m_buttons->addStretch(1);
    editLayout->addLayout(m_buttons);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_failure);
    layout->addWidget(sourceBox, 1);
    layout->addWidget(editBox, 1);

    connect(m_transformed, &QTableWidget::itemChanged, this, [this] {
        if (m_filling)
            return;
        m_dirty = true;
        emit edited();
    });
}

void QuarantineDetail::addCommand(QAction *action)
{
    auto *button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAccessibleName(action->text().remove(QLatin1Char('&')));
    m_buttons->addWidget(button);
}

qint64 QuarantineDetail::entryId() const
{
    return m_entry.value(QLatin1String("id")).toInteger();
}

void QuarantineDetail::setMessage(const QString &text)
{
    m_failure->setText(text);
}

void QuarantineDetail::showEntry(const QJsonObject &entry, const QByteArray &etag, bool editable)
{
    m_entry = entry;
    m_dirty = false;
    m_filling = true;
    if (entry.isEmpty()) {
        m_etag.clear();
        m_failure->setText(tr("<i>Select a quarantined row to see why it failed and to edit it.</i>"));
        m_source->setRowCount(0);
        m_transformed->setRowCount(0);
    } else {
        m_etag = etag;
        const auto text = [&entry](const char *name) {
            return valueText(entry.value(QLatin1String(name))).toHtmlEscaped();
        };
        m_failure->setText(tr("<b>Rule</b> %1 failed on <b>field</b> %2: <span style='color:#c0392b'>%3</span><br>"
                              "Pair %4 · entity %5 · source key %6 · operation %7 · %8 attempt(s) · since %9")
                                   .arg(text("rule"), text("field"), text("message"), text("pair_id"), text("entity"),
                                        text("source_key"), text("operation_id"), text("attempts"),
                                        DisplaySettings::instance()->formatDateTime(
                                                ResourceTableModel::parseTime(entry.value(QLatin1String("created_at"))))));
        fillRowTable(m_source, entry.value(QLatin1String("source_row")).toObject(), false);
        fillRowTable(m_transformed, entry.value(QLatin1String("transformed_row")).toObject(), editable);
        // The failing field stands out in the editor.
        const QString failing = entry.value(QLatin1String("field")).toString();
        for (int row = 0; row < m_transformed->rowCount(); ++row)
            if (m_transformed->item(row, 0)->text() == failing) {
                QFont bold = m_transformed->item(row, 0)->font();
                bold.setBold(true);
                m_transformed->item(row, 0)->setFont(bold);
                m_transformed->item(row, 1)->setFont(bold);
            }
    }
    m_filling = false;
}

QJsonObject QuarantineDetail::editedRow() const
{
    QJsonObject row;
    for (int i = 0; i < m_transformed->rowCount(); ++i) {
        const QTableWidgetItem *value = m_transformed->item(i, 1);
        const QJsonValue original = QJsonValue::fromVariant(value->data(OriginalRole));
        row.insert(m_transformed->item(i, 0)->text(), valueFromText(value->text(), original));
    }
    return row;
}

} // namespace tf::console
