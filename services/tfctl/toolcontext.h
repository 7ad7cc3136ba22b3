#pragma once

#include "common/servicecontext.h"

#include <memory>

namespace tf {
class Error;
class SecretBox;
namespace db {
class ControlDatabase;
}
} // namespace tf

namespace tf::tfctl {

// What a tfctl command needs: the same configuration the services resolve (flags >
// environment > INI > defaults, see platformlocation.h), the control database (existing,
// migrated) and the secret box.
class ToolContext final
{
public:
    // Throws tf::Error: Validation for bad configuration, Unavailable when the database
    // cannot be opened.
    static std::unique_ptr<ToolContext> open(const CommandLine &commandLine);
    ~ToolContext();

    const ServiceContext &service() const { return m_service; }
    db::ControlDatabase &database() { return *m_database; }
    // The key is loaded on first use; a missing key throws tf::Error(Validation).
    const SecretBox &secrets() const;

private:
    ToolContext() = default;

    ServiceContext m_service;
    std::unique_ptr<db::ControlDatabase> m_database;
    mutable std::unique_ptr<SecretBox> m_secrets;
};

// Adds --data-dir, --database and --config (the service options tfctl understands).
void addToolOptions(CommandLine &commandLine);

// Prints "<program>: <message>" (secrets redacted) and one indented line per
// details.errors entry; returns the exit code: 2 for what the operator can fix in the
// command or the definition (validation, unknown ids, conflicts), 1 for failures.
int reportError(const QString &program, const Error &error);

} // namespace tf::tfctl
