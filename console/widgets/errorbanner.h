#pragma once

#include <QLabel>

namespace tf::console {

// A red strip across the top of a page that says what went wrong; hidden when all is well.
class ErrorBanner final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorBanner)

public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    void showMessage(const QString &message);
    void clear();
};

} // namespace tf::console
