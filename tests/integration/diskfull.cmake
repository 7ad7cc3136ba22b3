# A full disk is an answer: the data directory and a sync target on small tmpfs mounts that the
# test fills and frees (507 insufficient_storage, data intact, the sync retried). Needs root to
# mount; scripts/test.sh sets TF_REQUIRE_MOUNT=1 as root so it cannot skip there.
tf_add_test(NAME tst_diskfull SOURCES integration/tst_diskfull.cpp integration/tst_gatewayproxy_fixture.h LIBS tfcore LABELS integration TIMEOUT 240)
add_dependencies(tst_diskfull tf-gateway tf-syncd tfctl)
