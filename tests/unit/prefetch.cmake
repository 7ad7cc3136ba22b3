# PrefetchingBatchSource: a bounded queue of batches between a reading thread and the caller.
tf_add_test(NAME tst_prefetchingreader SOURCES unit/tst_prefetchingreader.cpp LIBS tfcore LABELS unit)
# WriterThread: the full sync's writes on a thread of their own, behind a bounded queue.
tf_add_test(NAME tst_writerthread SOURCES unit/tst_writerthread.cpp LIBS tfcore LABELS unit)
