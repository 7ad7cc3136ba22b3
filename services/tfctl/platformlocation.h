#pragma once

#include "common/servicecontext.h"

#include <QString>

namespace tf {
namespace db {
class ControlDatabase;
}
namespace http {
struct AuditEvent;
}
} // namespace tf

namespace tf::tfctl {

// Where the platform tfctl manages lives, found the way the services find it, and said out
// loud. tfctl never creates a control database or a secret key by accident: only `tfctl init`
// (and the services' own first start) make them.
//
// Data directory: --data-dir > TF_DATA_DIR > [paths] data_dir > the user's
// ~/.local/share/terrafusion when it holds a platform > the packaged service's
// /var/lib/terrafusion when that exists > ~/.local/share/terrafusion. When it is the packaged
// one, tfctl reads the packaged service's settings as its units do: /etc/default/terrafusion
// (for variables not set in the environment) and /etc/terrafusion/terrafusion.ini (unless
// --config or TF_CONFIG names another file).
namespace platform {

constexpr const char kPackagedDataDir[] = "/var/lib/terrafusion";
constexpr const char kPackagedEnvironmentFile[] = "/etc/default/terrafusion";
constexpr const char kPackagedConfigFile[] = "/etc/terrafusion/terrafusion.ini";

// Resolves the configuration (flags > environment > INI > defaults) after applying the
// packaged defaults above, installs tfctl's quiet logging, and prints one line on stderr:
//   tfctl: control database sqlite:///…/terrafusion.db (data directory /… from TF_DATA_DIR)
// Creates nothing. Throws tf::Error (Validation: exit 2) for bad configuration.
ServiceContext resolve(const CommandLine &commandLine);

// Throws tf::Error(Validation) naming the folder (and the likely right one) when the control
// database does not exist there yet: an SQLite file that is missing, or a PostgreSQL database
// without TerraFusion's schema. Opens nothing for writing.
void requireControlDatabase(const ServiceContext &service);

// True when the control database exists (the SQLite file, or the PostgreSQL schema).
bool controlDatabaseExists(const ServiceContext &service);

// The operating-system account running tfctl, from the kernel (getpwuid(geteuid())), not
// from $USER, plus the host: "tfctl:alice@cama-srv".
QString actor();

// Records a change made through tfctl in the audit trail, like the same change through the
// API (hash chain, before and after). A failure to record is reported on stderr and returns
// false; the change itself has already happened.
bool audit(db::ControlDatabase &database, const http::AuditEvent &event);

} // namespace platform
} // namespace tf::tfctl
