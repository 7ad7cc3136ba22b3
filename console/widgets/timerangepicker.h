#pragma once

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QDateTimeEdit;
class QLabel;

namespace tf::console {

// The dashboard's time range: the last hour, 24 hours, 7 or 30 days, or a custom from/to
// (two QDateTimeEdits in the console's time zone, shown while "Custom" is chosen; from must
// be before to and the range at most MaxCustomDays). changed() fires for a usable range only;
// an unusable custom range shows why beside the editors and keeps the last one.
class TimeRangePicker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimeRangePicker)

public:
    static constexpr int MaxCustomDays = 90;
    static constexpr int CustomIndex = 4;

    explicit TimeRangePicker(QWidget *parent = nullptr);

    QComboBox *presets() const { return m_range; }
    QDateTimeEdit *fromEdit() const { return m_from; }
    QDateTimeEdit *toEdit() const { return m_to; }
    QLabel *problemLabel() const { return m_problem; }
    bool isCustom() const;
    // The range to show now (a preset ends now); UTC.
    QDateTime from() const;
    QDateTime to() const;
    qint64 seconds() const;
    // Chooses a custom range; false (and the reason shown) when it is not usable.
    bool setCustomRange(const QDateTime &from, const QDateTime &to);
    // Why the custom range is unusable; empty when it is usable or a preset is chosen.
    QString problem() const;

signals:
    void changed();

private:
    static QDateTime shownAs(const QDateTime &instant);
    void applyTimeZone();
    void customEdited();

    QComboBox *m_range;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QLabel *m_problem;
    QDateTime m_customFrom;
    QDateTime m_customTo;
    qint64 m_presetSeconds = 3600;
};

} // namespace tf::console
