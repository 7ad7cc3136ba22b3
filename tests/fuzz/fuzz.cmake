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
    # Only the code the targets reach (what the linker takes from libtfcore.a/libtfhttp.a for the
    # tst_fuzz_* suites), instrumented for libFuzzer: about 40 files instead of the whole tree, so a
    # fuzz build takes minutes on a busy machine. A target that reaches more code fails to link
    # naming the missing symbols: add their files here.
    set(TF_FUZZ_SOURCES
        shared/core/errors.cpp shared/core/jsonutil.cpp shared/core/redact.cpp
        shared/db/databaseurl.cpp shared/db/repositories/auditcsv.cpp
        shared/sync/row.cpp shared/sync/timevalue.cpp
        shared/sync/schedule/cronschedule.cpp
        shared/sync/connectors/csvparser.cpp shared/sync/connectors/jsonlrowreader.cpp
        shared/sync/connectors/filevalues.cpp shared/sync/connectors/copytextparser.cpp
        shared/sync/connectors/postgrestypes.cpp shared/sync/connectors/mysqlsession.cpp
        shared/sync/cdc/pgoutputparser.cpp shared/sync/cdc/wirereader.cpp
        shared/sync/definition/definitionerrors.cpp shared/sync/definition/jsonreader.cpp
        shared/sync/definition/syncpairdefinition.cpp shared/sync/definition/syncpairjson.cpp
        shared/sync/systems/systemdefinition.cpp shared/sync/connectors/odbcsession.cpp
        shared/sync/connectors/gishttpclient.cpp shared/sync/connectors/gisrows.cpp
        shared/sync/connectors/wfscapabilities.cpp shared/sync/connectors/ogcapisettings.cpp
        shared/db/connection.cpp shared/db/dialect.cpp
        shared/db/storagefailure.cpp shared/core/logging.cpp
        shared/sync/mapping/functions.cpp shared/sync/mapping/mappingplan.cpp
        shared/sync/mapping/geofunctions.cpp shared/sync/mapping/textfunctions.cpp shared/sync/mapping/valuefunctions.cpp
        shared/sync/mapping/valuetext.cpp
        shared/sync/validation/validationplan.cpp shared/sync/validation/validationrule.cpp
        shared/sync/validation/rangerules.cpp shared/sync/validation/setrules.cpp
        shared/sync/validation/valuerules.cpp
        services/common/requestframing.cpp)
    list(TRANSFORM TF_FUZZ_SOURCES PREPEND "${CMAKE_SOURCE_DIR}/")
    add_library(tffuzzcode STATIC ${TF_FUZZ_SOURCES})
    target_include_directories(tffuzzcode PUBLIC "${CMAKE_SOURCE_DIR}/shared" "${CMAKE_SOURCE_DIR}/services"
                                                 "${CMAKE_BINARY_DIR}/shared/generated")
    find_package(PostgreSQL REQUIRED)
    find_package(OpenSSL REQUIRED)
    target_link_libraries(tffuzzcode PUBLIC Qt6::Core Qt6::Network Qt6::Sql PostgreSQL::PostgreSQL OpenSSL::Crypto)
    add_custom_target(fuzz_targets)
endif()
foreach(target ${TF_FUZZ_TARGETS})
    set(library tfcore)
    if(target STREQUAL "requestframing")
        set(library tfhttp)
    endif()
    if(TF_FUZZ)
        add_executable(fuzz_${target} "${TF_FUZZ_DIR}/targets/${target}.cpp")
        target_link_libraries(fuzz_${target} PRIVATE tffuzzcode)
        target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
        add_dependencies(fuzz_targets fuzz_${target})
    else()
        add_executable(tst_fuzz_${target} "${TF_FUZZ_DIR}/replaymain.cpp" "${TF_FUZZ_DIR}/targets/${target}.cpp")
        target_link_libraries(tst_fuzz_${target} PRIVATE ${library})
        add_test(NAME tst_fuzz_${target} COMMAND tst_fuzz_${target} "${TF_FUZZ_DIR}/corpus/${target}")
        set_tests_properties(tst_fuzz_${target} PROPERTIES TIMEOUT 120 LABELS "unit;fuzz")
    endif()
endforeach()
