#pragma once

#include <QSplitter>
#include <functional>

class QJsonObject;
class QLabel;
class QTableView;

namespace tf::console {

class GatewayClient;
class OperationsModel;
class Sparkline;

// The sync pairs page's detail pane: the selected pair's definition (systems, entities and
// their field mapping) beside its recent operations, read from the gateway: a sparkline of
// their throughput (rows/s) over the table that lists them.
class PairDetail final : public QSplitter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairDetail)

public:
    // systemName turns a system id into the name shown for it.
    PairDetail(GatewayClient *client, std::function<QString(qint64)> systemName, QWidget *parent = nullptr);

    static constexpr int RecentOperations = 20;

    qint64 shownPair() const { return m_shownPair; }
    OperationsModel *operations() const { return m_operations; }
    Sparkline *throughput() const { return m_throughput; }
    // No single pair: a hint, or how many pairs are selected.
    void showNone(int selected);
    // One pair: its definition now, its recent operations once read.
    void showPair(qint64 id, const QJsonObject &pair);

signals:
    // The definition of pair id is shown; its recent operations are being read.
    void shown(qint64 pairId);

private:
    GatewayClient *m_client;
    std::function<QString(qint64)> m_systemName;
    OperationsModel *m_operations;
    QLabel *m_definition;
    QTableView *m_operationsTable;
    Sparkline *m_throughput;
    qint64 m_shownPair = -1;
};

} // namespace tf::console
