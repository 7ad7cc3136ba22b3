#pragma once

#include <QWidget>

class QComboBox;
class QJsonArray;
class QLineEdit;
class QSettings;

namespace tf::console {

class ResourceTableModel;

// The Sync pairs page's filters: status (enabled or not), a system (as source or target) and
// text. The chosen system is restored before the systems are read: it stays pending until
// setSystems() offers it.
class PairFilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairFilterBar)

public:
    explicit PairFilterBar(QWidget *parent = nullptr);

    // "true", "false" or "" for every status.
    QString status() const;
    // -1 for every system.
    qint64 systemId() const;
    QString text() const;
    bool isSystemPending() const { return m_pendingSystem > 0; }
    // The ids of the pairs (rows of model) whose source or target is the chosen system: empty
    // for every system, "0" alone when no pair uses it.
    QStringList systemMatches(const ResourceTableModel &model) const;
    // The system choices: id and name of each system.
    void setSystems(const QJsonArray &systems);
    void focusText();
    void restoreSettings(const QSettings &settings);
    void saveSettings(QSettings &settings) const;

signals:
    void changed();

private:
    QComboBox *m_status;
    QComboBox *m_system;
    QLineEdit *m_text;
    qint64 m_pendingSystem = -1;
};

} // namespace tf::console
