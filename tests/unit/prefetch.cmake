# PrefetchingBatchSource: a bounded queue of batches between a reading thread and the caller.
tf_add_test(NAME tst_prefetchingreader SOURCES unit/tst_prefetchingreader.cpp LIBS tfcore LABELS unit)
