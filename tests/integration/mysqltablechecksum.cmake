# A MariaDB source's table checksum in hash mode by blocks (issue 18): CHECKSUM TABLE in the block
# sums' snapshot, recorded with the state's totals; the skip and every case it must not happen.
tf_add_test(NAME tst_mysqltablechecksum SOURCES integration/tst_mysqltablechecksum.cpp LIBS tfcore LABELS integration TIMEOUT 600)
