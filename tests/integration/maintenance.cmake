# Maintenance and tuning (issue 6): the windows' times and the runs over real SQLite and
# PostgreSQL (reports computed from seeded data, maintenance_runs, audit, log cleanup, the
# security audit, the schedule firing once across nodes), the real tfctl (maintenance, tune
# with a real load test against a real tf-syncd), and /api/maintenance on a real tf-gateway.
tf_add_test(NAME tst_maintenance SOURCES integration/tst_maintenance.cpp integration/maintenancefixture.h
            LIBS tfsyncd LABELS integration TIMEOUT 120)
add_dependencies(tst_maintenance tfctl tf-syncd tf-gateway) # the weekly run checks the installed programs
tf_add_test(NAME tst_maintenance_review SOURCES integration/tst_maintenance_review.cpp integration/maintenancefixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_tfctl_maintenance SOURCES integration/tst_tfctl_maintenance.cpp
            LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_tfctl_maintenance tfctl tf-syncd tf-gateway)
tf_add_test(NAME tst_tune SOURCES integration/tst_tune.cpp LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_tune tfctl tf-syncd)
tf_add_test(NAME tst_maintenance_api SOURCES integration/tst_maintenance_api.cpp LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_maintenance_api tf-gateway tf-syncd)
