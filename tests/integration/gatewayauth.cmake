# tf-gateway's identity and defences as a real process (issue 5): login, sessions, API tokens,
# users; the failed-login ban, rate limits, CORS, headers; TLS with an openssl-made
# certificate; hostile input; and the route x role matrix over every registered route.
tf_add_test(NAME tst_gatewayauth SOURCES integration/tst_gatewayauth.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_gatewayauth_defences SOURCES integration/tst_gatewayauth_defences.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_gatewaypasswordchange SOURCES integration/tst_gatewaypasswordchange.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_gatewaytls SOURCES integration/tst_gatewaytls.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_gatewayhostile SOURCES integration/tst_gatewayhostile.cpp integration/gatewayauthfixture.h
            LIBS tfcore LABELS integration TIMEOUT 120)
tf_add_test(NAME tst_gatewayaccess SOURCES integration/tst_gatewayaccess.cpp integration/gatewayauthfixture.h
            LIBS tfgateway LABELS integration TIMEOUT 120)
foreach(test tst_gatewayauth tst_gatewayauth_defences tst_gatewaypasswordchange tst_gatewaytls tst_gatewayhostile tst_gatewayaccess)
    add_dependencies(${test} tf-gateway)
endforeach()
