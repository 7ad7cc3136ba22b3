#include "systemeditordialog.h"

#include "client/gatewayclient.h"
#include "models/systemkinds.h"
#include "widgets/fielderrormarks.h"
#include "widgets/problemtext.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QIntValidator>
#include <QSet>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <limits>

namespace tf::console {

namespace {

const QString NameKey = QStringLiteral("name");
const QString KindKey = QStringLiteral("kind");
const QString DescriptionKey = QStringLiteral("description");

QString textOf(const QWidget *editor)
{
    if (const auto *line = qobject_cast<const QLineEdit *>(editor))
        return line->text();
    if (const auto *combo = qobject_cast<const QComboBox *>(editor))
        return combo->isEditable() ? combo->currentText() : combo->currentData().toString();
    return {};
}

} // namespace

SystemEditorDialog::SystemEditorDialog(GatewayClient *client, qint64 systemId, QWidget *parent)
    : FormDialog(systemId > 0 ? tr("Edit System") : tr("New System"),
                 tr("A system is a connection a sync pair reads from or writes to. Passwords and tokens are stored "
                    "encrypted and never shown again."),
                 systemId > 0 ? tr("Save") : tr("Create"), parent)
    , m_client(client)
    , m_id(systemId)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_settingsBox(new QGroupBox(this))
    , m_settingsForm(new QFormLayout(m_settingsBox))
    , m_secretNote(new QLabel(this))
    , m_marks(new FieldErrorMarks(this))
{
    setObjectName(QStringLiteral("systemEditor"));
    m_name->setObjectName(NameKey);
    m_name->setAccessibleName(tr("Name"));
    m_name->setPlaceholderText(tr("e.g. PACS (SQL Server)"));
    m_description->setObjectName(DescriptionKey);
    m_description->setAccessibleName(tr("Description"));
    m_kind->setObjectName(KindKey);
    m_kind->setAccessibleName(tr("Kind"));
    for (const QString &kind : systemkinds::kinds())
        m_kind->addItem(QStringLiteral("%1 (%2)").arg(systemkinds::label(kind), kind), kind);
    m_settingsBox->setObjectName(QStringLiteral("settingsBox"));
    m_settingsForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_secretNote->setObjectName(QStringLiteral("secretNote"));
    m_secretNote->setWordWrap(true);
    m_secretNote->setText(tr("Credentials are write-only: leave a field empty to keep what is stored."));
    m_secretNote->setVisible(false);

    // Each field with the line under it where a 422 puts its message.
    const auto addField = [this](const QString &label, QWidget *widget) {
        auto *row = new QWidget(this);
        auto *layout = new QVBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(2);
        auto *error = new QLabel(row);
        error->setObjectName(widget->objectName() + QStringLiteral("Error"));
        error->setWordWrap(true);
        error->hide();
        layout->addWidget(widget);
        layout->addWidget(error);
        form()->addRow(label, row);
        m_editors.insert(widget->objectName(), widget);
        m_errors.insert(widget->objectName(), error);
    };
    addField(tr("&Name:"), m_name);
    addField(tr("&Kind:"), m_kind);
    addField(tr("&Description:"), m_description);
    form()->addRow(m_settingsBox);
    form()->addRow(m_secretNote);

    connect(m_name, &QLineEdit::textChanged, this, &SystemEditorDialog::validate);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        buildFields(currentKind());
        validate();
    });
    connect(this, &FormDialog::submitted, this, &SystemEditorDialog::save);
    buildFields(currentKind());
    setMinimumWidth(560);
    if (m_id > 0)
        load();
    else
        m_loaded = true;
    validate();
}

QString SystemEditorDialog::currentKind() const
{
    return m_kind->currentData().toString();
}

void SystemEditorDialog::load()
{
    m_client->get(QStringLiteral("/api/systems/%1").arg(m_id), this, [this](const ApiResult &result) {
        if (!result.ok()) {
            showError(tr("The system could not be read: %1").arg(result.error.message()));
            return;
        }
        m_etag = result.etag();
        setSystem(result.object());
        m_loaded = true;
        validate();
        emit loaded();
    });
}

void SystemEditorDialog::setSystem(const QJsonObject &system)
{
    m_loadedKind = system.value(KindKey).toString();
    m_loadedSettings = system.value(QLatin1String("settings")).toObject();
    m_hasCredentials = system.value(QLatin1String("has_credentials")).toBool();
    m_name->setText(system.value(NameKey).toString());
    m_description->setText(system.value(DescriptionKey).toString());
    m_typed.clear();
    for (auto it = m_loadedSettings.begin(); it != m_loadedSettings.end(); ++it) {
        if (!it.value().isObject() && !it.value().isArray())
            m_typed.insert(QStringLiteral("settings.") + it.key(), it.value().toVariant().toString());
    }
    const int index = m_kind->findData(m_loadedKind);
    if (index < 0) // a kind this console does not know: shown, so saving does not change it
        m_kind->addItem(m_loadedKind, m_loadedKind);
    const QSignalBlocker blocker(m_kind);
    m_kind->setCurrentIndex(m_kind->findData(m_loadedKind));
    buildFields(m_loadedKind, false); // the stored values, not the empty form's
}

QWidget *SystemEditorDialog::makeEditor(const SystemField &field)
{
    using Type = SystemField::Type;
    QWidget *editor = nullptr;
    const QString typed = m_typed.value(field.key);
    if (field.type == Type::Choice) {
        auto *combo = new QComboBox(m_settingsBox);
        combo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        combo->setEditable(field.editable);
        for (const QString &choice : field.choices)
            combo->addItem(choice.isEmpty() && !field.editable ? tr("(default)") : choice, choice);
        if (field.editable) {
            combo->lineEdit()->setPlaceholderText(tr("(default)"));
            combo->setCurrentText(typed);
        } else {
            int index = combo->findData(typed);
            if (index < 0) { // a value the list lacks is kept as it is
                combo->addItem(typed, typed);
                index = combo->count() - 1;
            }
            combo->setCurrentIndex(index);
        }
        connect(combo, &QComboBox::currentTextChanged, this, &SystemEditorDialog::validate);
        editor = combo;
    } else {
        auto *line = new QLineEdit(m_settingsBox);
        line->setPlaceholderText(field.placeholder);
        if (field.type == Type::Integer)
            line->setValidator(new QIntValidator(0, std::numeric_limits<int>::max(), line));
        if (field.isCredential()) {
            // Never filled from the API (it sends no secret); "(unchanged)" while one is stored.
            if (field.type == Type::Secret)
                line->setEchoMode(QLineEdit::Password);
            if (m_id > 0 && m_hasCredentials && currentKind() == m_loadedKind)
                line->setPlaceholderText(tr("(unchanged)"));
        }
        line->setText(typed);
        connect(line, &QLineEdit::textChanged, this, &SystemEditorDialog::validate);
        editor = line;
    }
    editor->setObjectName(field.key);
    editor->setAccessibleName(field.label);
    editor->setToolTip(field.hint);
    return editor;
}

void SystemEditorDialog::buildFields(const QString &kind, bool rememberTyped)
{
    for (auto it = m_editors.cbegin(); rememberTyped && it != m_editors.cend(); ++it) {
        if (it.key().contains(QLatin1Char('.')))
            m_typed.insert(it.key(), textOf(it.value()));
    }
    m_marks->clear();
    for (auto it = m_editors.begin(); it != m_editors.end();) {
        if (it.key().contains(QLatin1Char('.'))) {
            m_errors.remove(it.key());
            it = m_editors.erase(it);
        } else {
            ++it;
        }
    }
    while (m_settingsForm->rowCount() > 0)
        m_settingsForm->removeRow(0);
    m_settingsBox->setTitle(tr("%1 settings").arg(systemkinds::label(kind)));
    bool anyCredential = false;
    for (const SystemField &field : systemkinds::fields(kind)) {
        auto *row = new QWidget(m_settingsBox);
        auto *layout = new QVBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(2);
        QWidget *editor = makeEditor(field);
        editor->setParent(row);
        auto *error = new QLabel(row);
        error->setObjectName(field.key + QStringLiteral("Error"));
        error->setWordWrap(true);
        error->hide();
        layout->addWidget(editor);
        layout->addWidget(error);
        auto *label = new QLabel(field.label + (field.required ? QStringLiteral(" *:") : QStringLiteral(":")), m_settingsBox);
        label->setBuddy(editor);
        label->setToolTip(field.hint);
        m_settingsForm->addRow(label, row);
        m_editors.insert(field.key, editor);
        m_errors.insert(field.key, error);
        anyCredential = anyCredential || field.isCredential();
    }
    m_secretNote->setVisible(anyCredential && m_id > 0 && m_hasCredentials && kind == m_loadedKind);
    // As tall as the kind's fields need: a kind with fewer fields leaves no gap.
    layout()->activate();
    resize(qMax(width(), sizeHint().width()), sizeHint().height());
}

QWidget *SystemEditorDialog::editor(const QString &key) const
{
    return m_editors.value(key);
}

void SystemEditorDialog::setValue(const QString &key, const QString &text)
{
    QWidget *widget = m_editors.value(key);
    if (auto *line = qobject_cast<QLineEdit *>(widget))
        line->setText(text);
    else if (auto *combo = qobject_cast<QComboBox *>(widget)) {
        if (combo->isEditable())
            combo->setCurrentText(text);
        else
            combo->setCurrentIndex(combo->findData(text));
    }
}

QString SystemEditorDialog::value(const QString &key) const
{
    return textOf(m_editors.value(key));
}

QString SystemEditorDialog::fieldError(const QString &key) const
{
    const QLabel *label = m_errors.value(key);
    return label && !label->isHidden() ? label->text() : QString();
}

QString SystemEditorDialog::problem() const
{
    if (!m_loaded)
        return tr("Reading the system…");
    if (m_name->text().trimmed().isEmpty())
        return tr("Give the system a name.");
    for (const SystemField &field : systemkinds::fields(currentKind())) {
        if (field.required && textOf(m_editors.value(field.key)).trimmed().isEmpty())
            return tr("%1 is required.").arg(field.label);
    }
    return {};
}

QJsonObject SystemEditorDialog::body() const
{
    const QString kind = currentKind();
    QJsonObject settings;
    QJsonObject credentials;
    QSet<QString> shown;
    for (const SystemField &field : systemkinds::fields(kind)) {
        const QString text = textOf(m_editors.value(field.key));
        shown.insert(field.name());
        if (field.isCredential()) {
            if (!text.isEmpty()) // typed: sent; empty: the stored one stays
                credentials.insert(field.name(), text);
            continue;
        }
        if (text.trimmed().isEmpty())
            continue;
        bool number = false;
        const int integer = text.trimmed().toInt(&number);
        if (field.type == SystemField::Type::Integer && number)
            settings.insert(field.name(), integer);
        else
            settings.insert(field.name(), field.type == SystemField::Type::Integer ? text.trimmed() : text);
    }
    QJsonObject body { { NameKey, m_name->text().trimmed() },
                       { KindKey, kind },
                       { DescriptionKey, m_description->text().trimmed() } };
    if (m_id > 0) {
        // A merge patch: a stored setting the form cleared (or that the new kind lacks) is
        // removed with null; one the form does not show (wfs_parameters) is left as it is.
        for (auto it = m_loadedSettings.begin(); it != m_loadedSettings.end(); ++it) {
            if (!settings.contains(it.key()) && (shown.contains(it.key()) || kind != m_loadedKind))
                settings.insert(it.key(), QJsonValue::Null);
        }
    }
    body.insert(QStringLiteral("settings"), settings);
    if (!credentials.isEmpty())
        body.insert(QStringLiteral("credentials"), credentials);
    return body;
}

void SystemEditorDialog::save()
{
    clearFieldErrors();
    setBusy(true);
    const auto done = [this](const ApiResult &result) { answered(result); };
    if (m_id > 0)
        m_client->patch(QStringLiteral("/api/systems/%1").arg(m_id), body(), m_etag, this, done);
    else
        m_client->post(QStringLiteral("/api/systems"), body(), this, done);
}

void SystemEditorDialog::answered(const ApiResult &result)
{
    setBusy(false);
    if (result.ok()) {
        emit saved(result.object());
        accept();
        return;
    }
    QString message;
    if (result.status == 412) {
        message = tr("Someone else changed this system since you opened it. Cancel and open it again to see their "
                     "version.");
    } else if (!result.error.errors.isEmpty()) {
        QStringList unplaced;
        for (const ApiFieldError &problem : result.error.errors) {
            // "settings.wfs_parameters.map" belongs to the nearest field the form shows.
            QString key = problem.field;
            while (!m_editors.contains(key) && key.contains(QLatin1Char('.')))
                key = key.section(QLatin1Char('.'), 0, -2);
            QWidget *widget = m_editors.value(key);
            QLabel *error = m_errors.value(key);
            if (!widget || !error) {
                unplaced << QStringLiteral("%1: %2").arg(problem.field, problem.message);
                continue;
            }
            m_marks->mark(problem.field, widget, problem.message);
            const QString text = error->isHidden() ? problem.message : error->text() + QLatin1Char('\n') + problem.message;
            showMessage(error, text, true);
            error->show();
        }
        message = unplaced.isEmpty() ? tr("The system was not saved: %n problem(s), marked above.", nullptr, int(result.error.errors.size()))
                                     : tr("The system was not saved: %1").arg(unplaced.join(QStringLiteral("; ")));
        if (QWidget *first = m_marks->anyWidget())
            first->setFocus(Qt::OtherFocusReason);
    } else {
        message = tr("The system was not saved: %1").arg(result.error.message());
    }
    showError(message);
    // The messages under the fields and the one at the bottom need room: grow to fit at once, or
    // the layout squeezes the fields' editors into the dialog's old height until the next resize.
    layout()->activate();
    if (height() < sizeHint().height())
        resize(width(), sizeHint().height());
    emit saveFailed(result.status, message);
}

void SystemEditorDialog::clearFieldErrors()
{
    m_marks->clear();
    for (QLabel *error : std::as_const(m_errors)) {
        error->clear();
        error->hide();
    }
}

} // namespace tf::console
