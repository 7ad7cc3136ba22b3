# Metrics and alerts of tf-syncd: the rules and the AlertEngine over real databases (unit),
# and a real tf-syncd process with forced thresholds (integration).
tf_add_test(NAME tst_alertrules SOURCES unit/tst_alertrules.cpp LIBS tfsyncd LABELS unit)
tf_add_test(NAME tst_monitoring SOURCES integration/tst_monitoring.cpp integration/tst_monitoring_promcheck.cpp
            LIBS tfcore TIMEOUT 300)
add_dependencies(tst_monitoring tf-syncd)
