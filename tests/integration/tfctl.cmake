tf_add_test(NAME tst_tfctl_sync SOURCES integration/tst_tfctl_sync.cpp LIBS tfcore TIMEOUT 600)
add_dependencies(tst_tfctl_sync tfctl)
# tfctl user against a running gateway on the same data directory.
tf_add_test(NAME tst_tfctl_user SOURCES integration/tst_tfctl_user.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_tfctl_user tfctl tf-gateway)
# A dry run checks the target (table, columns, types, key constraint) on SQLite and PostgreSQL.
tf_add_test(NAME tst_tfctl_dryrun SOURCES integration/tst_tfctl_dryrun.cpp LIBS tfcore TIMEOUT 300)
add_dependencies(tst_tfctl_dryrun tfctl)
# tfctl system/pair show, edit, remove, enable, disable, test: secrets hidden, audited.
tf_add_test(NAME tst_tfctl_catalog SOURCES integration/tst_tfctl_catalog.cpp LIBS tfcore TIMEOUT 300)
add_dependencies(tst_tfctl_catalog tfctl)
# tfctl quarantine list across pairs with filters, on the demo's broken rows.
tf_add_test(NAME tst_tfctl_quarantine SOURCES integration/tst_tfctl_quarantine.cpp LIBS tfcore TIMEOUT 300)
add_dependencies(tst_tfctl_quarantine tfctl)
# Every tfctl command has its own --help with an example and the doc section.
tf_add_test(NAME tst_tfctl_help SOURCES integration/tst_tfctl_help.cpp LIBS tfcore TIMEOUT 120)
add_dependencies(tst_tfctl_help tfctl)
# tfctl demo install --gis: the parcel layer served by a real tf-gateway (/demo/ogcapi), read by
# the ogcapi connector in small pages, gis_parcels == the layer, the one-sided parcels reported
# (view and tfctl demo report), a second hash run writes nothing; SQLite and PostgreSQL.
tf_add_test(NAME tst_gisdemo SOURCES integration/tst_gisdemo.cpp LIBS tfcore LABELS integration TIMEOUT 300)
add_dependencies(tst_gisdemo tfctl tf-gateway tf-syncd)
