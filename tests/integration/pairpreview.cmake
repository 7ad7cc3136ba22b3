# POST /api/sync-pairs/preview through a real tf-gateway supervising a real tf-syncd.
tf_add_test(NAME tst_pairpreview SOURCES integration/tst_pairpreview.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 120)
add_dependencies(tst_pairpreview tf-gateway tf-syncd)
