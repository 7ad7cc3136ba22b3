# Fuzz targets (docs/fuzzing.md): one LLVMFuzzerTestOneInput per parser in fuzz/targets/, each
# with a seed corpus in fuzz/corpus/<target>/.
#   ordinary build: tst_fuzz_<target> replays the corpus through the target (GCC, no libFuzzer),
#                   so every seed and every fixed finding's input runs in every test run;
#   TF_FUZZ build:  fuzz_<target> is the libFuzzer binary (clang, preset "fuzz", build/fuzz),
#                   run by bench/fuzz/run.sh and by scripts/test.sh --sanitize (a short smoke run).
set(TF_FUZZ_TARGETS cron csv jsonl databaseurl pairdefinition systemdefinition mapping requestframing
    auditcsv copytext pgoutput)
set(TF_FUZZ_DIR "${CMAKE_CURRENT_SOURCE_DIR}/fuzz")
if(TF_FUZZ)
    add_custom_target(fuzz_targets)
endif()
foreach(target ${TF_FUZZ_TARGETS})
    set(library tfcore)
    if(target STREQUAL "requestframing")
        set(library tfhttp)
    endif()
    if(TF_FUZZ)
        add_executable(fuzz_${target} "${TF_FUZZ_DIR}/targets/${target}.cpp")
        target_link_libraries(fuzz_${target} PRIVATE ${library})
        target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
        add_dependencies(fuzz_targets fuzz_${target})
    else()
        add_executable(tst_fuzz_${target} "${TF_FUZZ_DIR}/replaymain.cpp" "${TF_FUZZ_DIR}/targets/${target}.cpp")
        target_link_libraries(tst_fuzz_${target} PRIVATE ${library})
        add_test(NAME tst_fuzz_${target} COMMAND tst_fuzz_${target} "${TF_FUZZ_DIR}/corpus/${target}")
        set_tests_properties(tst_fuzz_${target} PROPERTIES TIMEOUT 120 LABELS "unit;fuzz")
    endif()
endforeach()
