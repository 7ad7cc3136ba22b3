# Core building blocks: layered configuration, secret redaction, the HTTP routing table.
tf_add_test(NAME tst_config SOURCES unit/tst_config.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_redact SOURCES unit/tst_redact.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_router SOURCES unit/tst_router.cpp LIBS tfhttp LABELS unit)
tf_add_test(NAME tst_configschema SOURCES unit/tst_configschema.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_servicesections SOURCES unit/tst_servicesections.cpp LIBS tfhttp LABELS unit)
