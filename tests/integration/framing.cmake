# Request framing (request smuggling) at ConnectionGuard, the TLS profile, both services.
tf_add_test(NAME tst_httpframing SOURCES integration/tst_httpframing.cpp integration/gatewayauthfixture.h
            LIBS tfhttp LABELS integration TIMEOUT 180)
add_dependencies(tst_httpframing tf-gateway tf-syncd tfctl)
tf_add_test(NAME tst_tlsprofile SOURCES integration/tst_tlsprofile.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 180)
add_dependencies(tst_tlsprofile tf-gateway tf-syncd tfctl)
