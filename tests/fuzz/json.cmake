# json.cmake - libFuzzer targets of the JSON decoders (included by the top-level
# CMakeLists.txt when SW_FUZZ is on):
#   fuzz_decl_json    declarations: decl_from_json + decl_validate with the shipped data/
#   fuzz_rule_json    routing rules: routing_rule_from_json + routing_evaluate
#   fuzz_permit_json  permits and requirement rules: *_from_json + permit_check_draw
# Like the EDIFACT target (tests/fuzz/CMakeLists.txt), they are compiled with clang
# directly, from the sources of src/core and the codec files they need, because the
# project itself may be built with gcc. Nothing is built when clang cannot link libFuzzer.
# CTest runs each for SW_FUZZ_JSON_TIME seconds (fuzz.decl_json, ...); `make fuzz` runs
# them for FUZZ_TIME seconds. New inputs are kept in BUILD/tests/fuzz/json/NAME/corpus.
find_program(SW_FUZZ_CLANG NAMES clang clang-16 clang-15 clang-14)
if(NOT SW_FUZZ_CLANG)
  message(STATUS "fuzz (JSON): clang not found, targets skipped")
  return()
endif()
set(sw_fuzz_dir ${PROJECT_BINARY_DIR}/tests/fuzz/json)
file(MAKE_DIRECTORY ${sw_fuzz_dir})
file(WRITE ${sw_fuzz_dir}/probe.c "#include <stddef.h>\n#include <stdint.h>\n"
     "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
execute_process(COMMAND ${SW_FUZZ_CLANG} -fsanitize=fuzzer,address,undefined
                        ${sw_fuzz_dir}/probe.c -o ${sw_fuzz_dir}/probe
                RESULT_VARIABLE sw_fuzz_probe OUTPUT_QUIET ERROR_QUIET)
if(NOT sw_fuzz_probe EQUAL 0)
  message(STATUS "fuzz (JSON): ${SW_FUZZ_CLANG} cannot link libFuzzer (libclang-rt-14-dev), skipped")
  return()
endif()

set(SW_FUZZ_JSON_TIME 10 CACHE STRING "Seconds each JSON fuzz target runs under CTest")
set(sw_fuzz_json_flags -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=undefined -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
    -Wall -Wextra -I${PROJECT_SOURCE_DIR}/src ${JANSSON_CFLAGS}
    -DSW_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
file(GLOB sw_fuzz_core CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/core/*.c)
file(GLOB sw_fuzz_core_h CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/core/*.h)
set(sw_fuzz_codec decl_json decl_fields decl_fast jtext jfield rule_json permit_json refdata_files csv)
list(TRANSFORM sw_fuzz_codec PREPEND ${PROJECT_SOURCE_DIR}/src/codec/)
list(TRANSFORM sw_fuzz_codec APPEND .c)

foreach(name decl rule permit)
  set(exe ${sw_fuzz_dir}/${name}_json_fuzz)
  set(src ${CMAKE_CURRENT_LIST_DIR}/fuzz_${name}_json.c)
  add_custom_command(OUTPUT ${exe}
    COMMAND ${SW_FUZZ_CLANG} ${sw_fuzz_json_flags} ${src} ${sw_fuzz_codec} ${sw_fuzz_core}
            ${JANSSON_LINK_LIBRARIES} -o ${exe}
    DEPENDS ${src} ${CMAKE_CURRENT_LIST_DIR}/fuzz_json_common.h ${sw_fuzz_codec}
            ${sw_fuzz_core} ${sw_fuzz_core_h}
    COMMENT "Building the ${name} JSON fuzz target with ${SW_FUZZ_CLANG}" VERBATIM)
  add_custom_target(${name}_json_fuzz ALL DEPENDS ${exe})
  file(MAKE_DIRECTORY ${sw_fuzz_dir}/${name}/corpus)
  add_test(NAME fuzz.${name}_json
    COMMAND ${exe} -max_total_time=${SW_FUZZ_JSON_TIME} -timeout=10 -rss_limit_mb=2048
            -print_final_stats=1 -dict=${CMAKE_CURRENT_LIST_DIR}/json.dict
            ${sw_fuzz_dir}/${name}/corpus ${CMAKE_CURRENT_LIST_DIR}/seeds/${name})
  set_tests_properties(fuzz.${name}_json PROPERTIES TIMEOUT 300)
endforeach()
