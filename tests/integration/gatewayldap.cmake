# Directory sign-in (issue 19 item 4): tf-gateway with [ldap] against a real slapd the test
# starts (tests/support/slapdserver.h; Debian slapd, ldap-utils, openssl).
tf_add_test(NAME tst_gatewayldap SOURCES integration/tst_gatewayldap.cpp integration/gatewayauthfixture.h
            LIBS tfgateway LABELS integration TIMEOUT 180)
add_dependencies(tst_gatewayldap tf-gateway tfctl)
