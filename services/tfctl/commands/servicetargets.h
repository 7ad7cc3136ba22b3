#pragma once

#include "common/auditlog.h"
#include "common/servicecontext.h"
#include "ops/healthcheck.h"
#include "ops/servicecontrol.h"

namespace tf::tfctl {

// What check, restart-*, recover and create-plan resolve from their command line: the same
// configuration the services use (without opening, creating or migrating the database), the
// URLs to probe and how to stop and start the services.
struct ServiceTargets
{
    ServiceContext service;
    ops::ServiceControl::Options control;
    int timeoutSeconds = 60;

    // Probe targets for the processes the run files name now.
    ops::HealthCheck::Targets healthTargets(const ops::ServiceControl &services) const;
};

// --gateway-url URL, --sync-url URL, --timeout SECONDS (on top of addToolOptions()).
void addServiceTargetOptions(CommandLine &commandLine, int defaultTimeoutSeconds);
// Usage errors (bad URL, timeout) exit 2; bad configuration throws tf::Error(Validation).
ServiceTargets resolveServiceTargets(const CommandLine &commandLine, int defaultTimeoutSeconds);

// "tfctl:<os user>", the actor of tfctl's audit entries.
QString osActor();
// Records an audit entry in the control database at databaseUrl (opened without migrating).
// Never throws: a database that cannot take it gets a warning line on stderr.
void auditAction(const QString &databaseUrl, const http::AuditEvent &event);

} // namespace tf::tfctl
