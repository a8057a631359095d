# `compare -o DIR/results.h5` writes one file per scenario, DIR/results-<name>.h5,
# refuses (exit 2, nothing written) when one exists, and replaces them with --force;
# an unknown objective is bad input too.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(base ${SCENARIOS}/hoang-mai-2025.toml)
file(WRITE ${WORK}/more-drives.toml "extends = \"${base}\"\nname = \"hoàng mai (copy)\"\n")

function(run_giotmau expected)
  execute_process(COMMAND ${GIOTMAU} compare ${base} ${WORK}/more-drives.toml -n 2 --days 30 ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expected)
    message(FATAL_ERROR "compare ${ARGN}: expected exit code ${expected}, got ${rc}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run_giotmau(0 -o ${WORK}/results.h5 --objective -fill_rate)
foreach(f results-hoang-mai-2025.h5 results-ho_ng_mai__copy_.h5)
  if(NOT EXISTS ${WORK}/${f})
    file(GLOB found ${WORK}/*)
    message(FATAL_ERROR "expected ${WORK}/${f}; found: ${found}\n${last_output}")
  endif()
endforeach()
if(NOT last_output MATCHES "ranking \\(fill_rate descending\\)")
  message(FATAL_ERROR "the ranking does not follow --objective -fill_rate:\n${last_output}")
endif()
file(REMOVE ${WORK}/results-ho_ng_mai__copy_.h5)
run_giotmau(2 -o ${WORK}/results.h5)  # one of the two exists: refuse before running
if(EXISTS ${WORK}/results-ho_ng_mai__copy_.h5)
  message(FATAL_ERROR "compare wrote results although it refused to overwrite the other file")
endif()
run_giotmau(0 -o ${WORK}/results.h5 --force --format json)
run_giotmau(2 --objective shortages)
file(GLOB left ${WORK}/*.tmp*)
if(left)
  message(FATAL_ERROR "files left behind: ${left}")
endif()
