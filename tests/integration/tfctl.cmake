tf_add_test(NAME tst_tfctl_sync SOURCES integration/tst_tfctl_sync.cpp LIBS tfcore TIMEOUT 600)
add_dependencies(tst_tfctl_sync tfctl)
