#include "leasekeeper.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/operationrepository.h"

#include <chrono>

namespace tf::tfctl {

LeaseKeeper::LeaseKeeper(db::Database &control, qint64 operationId)
{
    m_thread = std::thread([this, &control, operationId] {
        std::unique_lock<std::mutex> lock(m_mutex);
        const auto period = std::chrono::milliseconds(db::OperationRepository::kDirectRunLeaseMs / 4);
        while (!m_wake.wait_for(lock, period, [this] { return m_done; })) {
            try {
                db::OperationRepository(control).renewLease(operationId);
            } catch (const Error &) {
                // The next progress() renews it too.
            }
        }
        control.closeThreadConnection();
    });
}

LeaseKeeper::~LeaseKeeper()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_done = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

} // namespace tf::tfctl
