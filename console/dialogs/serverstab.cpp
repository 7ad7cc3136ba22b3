#include "serverstab.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace tf::console {

namespace {
enum Column { ActiveColumn, UrlColumn, CaFileColumn };

bool isGatewayUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty()
            && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}
} // namespace

ServersTab::ServersTab(const QString &connectedTo, QWidget *parent)
    : QWidget(parent)
    , m_connectedTo(connectedTo)
    , m_servers(ServerList::load())
    , m_active(ServerList::activeIndex())
    , m_table(new QTableWidget(0, 3, this))
    , m_url(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_add(new QPushButton(tr("&Add Server"), this))
    , m_remove(new QPushButton(tr("Re&move"), this))
    , m_makeActive(new QPushButton(tr("Use as &Active"), this))
    , m_message(new QLabel(this))
{
    m_table->setObjectName(QStringLiteral("serverTable"));
    m_table->setAccessibleName(tr("Servers"));
    m_table->setHorizontalHeaderLabels({ tr("Active"), tr("Gateway URL"), tr("CA file") });
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(ActiveColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(UrlColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(CaFileColumn, QHeaderView::Stretch);
    m_url->setObjectName(QStringLiteral("serverUrl"));
    m_url->setAccessibleName(tr("New server URL"));
    m_url->setPlaceholderText(QStringLiteral("https://gateway.example.org:5000"));
    m_caFile->setObjectName(QStringLiteral("serverCaFile"));
    m_caFile->setAccessibleName(tr("New server CA file"));
    m_caFile->setPlaceholderText(tr("optional: PEM file of the gateway's certificate authority"));
    m_add->setObjectName(QStringLiteral("addServer"));
    m_remove->setObjectName(QStringLiteral("removeServer"));
    m_makeActive->setObjectName(QStringLiteral("makeServerActive"));
    m_message->setObjectName(QStringLiteral("serversMessage"));
    m_message->setWordWrap(true);
    auto *browse = new QPushButton(tr("&Browse…"), this);
    browse->setAccessibleName(tr("Choose a CA file"));

    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("&URL:"), m_url);
    auto *caLabel = new QLabel(tr("&CA file:"), this);
    caLabel->setBuddy(m_caFile);
    form->addRow(caLabel, caRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addStretch(1);
    buttons->addWidget(m_makeActive);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addLayout(form);
    layout->addWidget(m_message);

    connect(m_add, &QPushButton::clicked, this, &ServersTab::addServer);
    connect(m_remove, &QPushButton::clicked, this, &ServersTab::removeSelected);
    connect(m_makeActive, &QPushButton::clicked, this, &ServersTab::makeSelectedActive);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ServersTab::updateButtons);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, &ServersTab::makeSelectedActive);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA file"), QString(), tr("PEM files (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty())
            m_caFile->setText(file);
    });
    showServers();
    m_message->setText(tr("This window is connected to %1. The console connects to the active server at its next start.")
                               .arg(m_connectedTo));
}

void ServersTab::showServers()
{
    m_table->setRowCount(int(m_servers.size()));
    for (int row = 0; row < m_servers.size(); ++row) {
        auto *active = new QTableWidgetItem(row == m_active ? QStringLiteral("✔") : QString());
        active->setTextAlignment(Qt::AlignCenter);
        active->setData(Qt::AccessibleTextRole, row == m_active ? tr("active") : tr("not active"));
        m_table->setItem(row, ActiveColumn, active);
        m_table->setItem(row, UrlColumn, new QTableWidgetItem(m_servers.at(row).url));
        m_table->setItem(row, CaFileColumn, new QTableWidgetItem(m_servers.at(row).caFile.isEmpty()
                                                                         ? tr("(system certificates)")
                                                                         : m_servers.at(row).caFile));
    }
    updateButtons();
}

void ServersTab::updateButtons()
{
    const int row = m_table->currentRow();
    const bool selected = row >= 0 && !m_table->selectedItems().isEmpty();
    m_makeActive->setEnabled(selected && row != m_active);
    // The last server stays: the console needs one to connect to.
    m_remove->setEnabled(selected && m_servers.size() > 1);
}

void ServersTab::save()
{
    ServerList::save(m_servers, m_active);
}

bool ServersTab::addServer()
{
    const QString url = m_url->text().trimmed();
    if (!isGatewayUrl(url)) {
        m_message->setText(tr("A server needs an http:// or https:// URL with a host, not \"%1\".").arg(url));
        return false;
    }
    for (const ServerEntry &server : std::as_const(m_servers)) {
        if (server.url == url) {
            m_message->setText(tr("%1 is in the list already.").arg(url));
            return false;
        }
    }
    m_servers.append({ url, m_caFile->text().trimmed() });
    save();
    showServers();
    m_table->selectRow(int(m_servers.size()) - 1);
    m_url->clear();
    m_caFile->clear();
    m_message->setText(tr("Added %1; \"Use as Active\" connects to it at the next start.").arg(url));
    return true;
}

void ServersTab::removeSelected()
{
    const int row = m_table->currentRow();
    if (row < 0 || m_servers.size() <= 1)
        return;
    m_servers.removeAt(row);
    if (m_active >= row && m_active > 0)
        --m_active;
    save();
    showServers();
}

void ServersTab::makeSelectedActive()
{
    const int row = m_table->currentRow();
    if (row < 0 || row == m_active)
        return;
    m_active = row;
    save();
    showServers();
    m_table->selectRow(row);
    m_message->setText(tr("%1 is now the active server; the console connects to it at its next start.")
                               .arg(m_servers.at(row).url));
    emit activeServerChanged(m_servers.at(row));
}

} // namespace tf::console
