# Sync definitions: mapping plans, validation rules, sync pair definitions, cron schedules.
tf_add_test(NAME tst_mapping SOURCES unit/tst_mapping.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_validation SOURCES unit/tst_validation.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_pairdefinition SOURCES unit/tst_pairdefinition.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_cron SOURCES unit/tst_cron.cpp LIBS tfcore LABELS unit)
