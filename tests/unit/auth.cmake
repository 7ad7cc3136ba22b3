# Authentication building blocks (shared/auth, the user and token repositories, the gateway's
# request filter pieces): real SQLite and PostgreSQL, a movable clock instead of sleeps.
tf_add_test(NAME tst_passwordhasher SOURCES unit/tst_passwordhasher.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_auththrottles SOURCES unit/tst_auththrottles.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_authrepositories SOURCES unit/tst_authrepositories.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_accesspieces SOURCES unit/tst_accesspieces.cpp LIBS tfgateway LABELS unit)
tf_add_test(NAME tst_jobregistry SOURCES unit/tst_jobregistry.cpp LIBS tfgateway LABELS unit)
# Directory sign-in pieces: filter escaping, group-to-role map, [ldap] validation.
tf_add_test(NAME tst_directoryroles SOURCES unit/tst_directoryroles.cpp LIBS tfgateway LABELS unit)
