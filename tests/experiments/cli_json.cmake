# Runs giotmau with the arguments in ARGS (separated by '|', which add_test
# passes through unharmed, unlike ';') and checks that it exits 0 and that its
# standard output parses as JSON (Debian's Python, standard library only).
#   cmake -DGIOTMAU=... -DWORK=... "-DARGS=run|file.toml|--format|json" -P cli_json.cmake
string(REPLACE "|" ";" ARGS "${ARGS}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${GIOTMAU} ${ARGS} RESULT_VARIABLE rc OUTPUT_FILE ${WORK}/out.json ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "giotmau ${ARGS}: exit code ${rc}\n${err}")
endif()
execute_process(COMMAND /usr/bin/python3 -c "import json,sys; d = json.load(sys.stdin); assert d['balanced'] is True, d"
                INPUT_FILE ${WORK}/out.json RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(READ ${WORK}/out.json out)
  message(FATAL_ERROR "the output is not JSON (or not balanced):\n${err}\n${out}")
endif()
