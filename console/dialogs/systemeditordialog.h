#pragma once

#include "formdialog.h"

#include <QHash>
#include <QJsonObject>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;

namespace tf::console {

class FieldErrorMarks;
class GatewayClient;
struct ApiResult;
struct SystemField;

// Creates (POST /api/systems) or edits (PATCH /api/systems/<id> with If-Match) a system: name,
// description, a kind combo with every kind the engine supports, and the chosen kind's
// settings and credentials (systemkinds::fields), rebuilt when the kind changes (what was typed
// in a field of the same name is kept). Credentials are write-only: the API never returns them,
// so an existing system's fields show "(unchanged)" and only what is typed is sent (merged over
// the stored ones). A 422 names fields: each gets a red frame and its message under it.
class SystemEditorDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SystemEditorDialog)

public:
    // systemId 0 creates a system.
    SystemEditorDialog(GatewayClient *client, qint64 systemId, QWidget *parent = nullptr);

    qint64 systemId() const { return m_id; }
    bool isLoaded() const { return m_loaded; }
    QComboBox *kindCombo() const { return m_kind; }
    QLineEdit *nameEdit() const { return m_name; }
    // The editor of a field ("settings.host", "credentials.password", "name"); null when the
    // kind has none.
    QWidget *editor(const QString &key) const;
    // Types text into a field's editor (a line edit or an editable combo).
    void setValue(const QString &key, const QString &text);
    QString value(const QString &key) const;
    // The message shown under a field by the last 422, or empty.
    QString fieldError(const QString &key) const;
    // The request body save() sends.
    QJsonObject body() const;

public slots:
    void save();

signals:
    void loaded();
    void saved(const QJsonObject &system);
    void saveFailed(int status, const QString &message);

protected:
    QString problem() const override;

private:
    void load();
    void setSystem(const QJsonObject &system);
    // rememberTyped: what the current fields hold is kept for the new kind's fields.
    void buildFields(const QString &kind, bool rememberTyped = true);
    QWidget *makeEditor(const SystemField &field);
    void answered(const ApiResult &result);
    void clearFieldErrors();
    QString currentKind() const;

    GatewayClient *m_client;
    qint64 m_id;
    QByteArray m_etag;
    QJsonObject m_loadedSettings;
    QString m_loadedKind;
    bool m_hasCredentials = false;
    bool m_loaded = false;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_kind;
    QGroupBox *m_settingsBox;
    QFormLayout *m_settingsForm;
    QLabel *m_secretNote;
    FieldErrorMarks *m_marks;
    QHash<QString, QWidget *> m_editors; // field key -> editor of the current kind
    QHash<QString, QLabel *> m_errors; // field key -> the message line under it
    QHash<QString, QString> m_typed; // field key -> text, kept across kind changes
};

} // namespace tf::console
