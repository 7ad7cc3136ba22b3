# Service checks and restarts, corruption repair, disaster recovery and recovery plans: the
# real tfctl against real tf-gateway / tf-syncd processes and real databases.
tf_add_test(NAME tst_tfctl_check SOURCES integration/tst_tfctl_check.cpp LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_tfctl_check tfctl tf-gateway tf-syncd)
tf_add_test(NAME tst_fixcorruption SOURCES integration/tst_fixcorruption.cpp LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_fixcorruption tfctl)
tf_add_test(NAME tst_recover SOURCES integration/tst_recover.cpp LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_recover tfctl tf-gateway tf-syncd)
tf_add_test(NAME tst_createplan SOURCES integration/tst_createplan.cpp LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_createplan tfctl tf-gateway tf-syncd)
