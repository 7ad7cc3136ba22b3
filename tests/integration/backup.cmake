# Backups of the control database (issue 6): ops::BackupManager on SQLite and a real
# PostgreSQL (round trip with per-table checksums, damaged files refused, names and paths,
# retention, an older backup migrated), beside running work (a consistent SQLite copy while
# another connection writes; the real tf-syncd honours the restore's pause), the real tfctl,
# and /api/backups + /api/jobs on a real tf-gateway.
tf_add_test(NAME tst_backup SOURCES integration/tst_backup.cpp integration/tst_backup_fixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_backup_live SOURCES integration/tst_backup_live.cpp integration/tst_backup_fixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_backup_live tf-syncd)
tf_add_test(NAME tst_tfctl_backup SOURCES integration/tst_tfctl_backup.cpp integration/tst_backup_fixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_tfctl_backup tfctl)
tf_add_test(NAME tst_backup_api SOURCES integration/tst_backup_api.cpp integration/tst_backup_fixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_backup_api tf-gateway tf-syncd)
