# The command-line contract of the built programs; runs the real binaries, so it depends on them.
tf_add_test(NAME tst_cli SOURCES integration/tst_cli.cpp LIBS tfcore LABELS integration TIMEOUT 300)
add_dependencies(tst_cli tf-syncd tf-gateway tfctl)
