# The row model's exact values: TimeValue (microseconds, BC, 294276, infinity), NaN/-0.0,
# decimal specials and JSON text kept as written; text lengths counted as varchar(n) counts them.
tf_add_test(NAME tst_timevalue SOURCES unit/tst_timevalue.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_rowhash SOURCES unit/tst_rowhash.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_byteappend SOURCES unit/tst_byteappend.cpp LIBS tfcore LABELS unit)
tf_add_test(NAME tst_textlength SOURCES unit/tst_textlength.cpp LIBS tfcore LABELS unit)
