# Reading PostgreSQL through COPY TO STDOUT on a prefetching thread: the same Row values as the
# query path for every type, cancellation, errors and a lost connection mid-read.
tf_add_test(NAME tst_pgcopyread SOURCES integration/tst_pgcopyread.cpp integration/tst_pgcopyread.h LIBS tfcore LABELS integration TIMEOUT 300)
