# Metrics and alerts of tf-syncd: the rules and the AlertEngine over real databases (unit),
# and a real tf-syncd process with forced thresholds (integration).
tf_add_test(NAME tst_alertrules SOURCES unit/tst_alertrules.cpp LIBS tfsyncd LABELS unit)
tf_add_test(NAME tst_monitoring SOURCES integration/tst_monitoring.cpp integration/tst_monitoring_promcheck.cpp
            LIBS tfcore TIMEOUT 300)
add_dependencies(tst_monitoring tf-syncd)
# cdc pairs' metrics and alert rules on a wal_level=logical cluster of their own: slot figures
# read as the collector reads them, lag / inactive / wal_status alerts raised once and resolved,
# the commit-to-apply histogram, the exposition (promtool under TF_REQUIRE_PROMTOOL=1).
tf_add_test(NAME tst_cdcmetrics SOURCES integration/tst_cdcmetrics.cpp integration/tst_monitoring_promcheck.cpp
            integration/cdcpairfixture.h LIBS tfsyncd LABELS integration TIMEOUT 300)
