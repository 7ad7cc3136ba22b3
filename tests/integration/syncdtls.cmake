# tf-syncd over TLS behind a tf-gateway (real processes, a certificate made by openssl).
tf_add_test(NAME tst_syncdtls SOURCES integration/tst_syncdtls.cpp LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_syncdtls tf-syncd tf-gateway tfctl)
