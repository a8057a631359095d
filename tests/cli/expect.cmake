# Runs giotmau with the arguments in ARGS (separated by '|') and checks its exit
# code (RC, default 0) and that its output (standard output, then standard
# error) has a line matching each regular expression in LINES (separated by
# '|'; each is anchored to a whole line).
#   cmake -DGIOTMAU=... "-DARGS=validate|file.toml" "-DLINES=.*: valid \\(scenario .*" -P expect.cmake
string(REPLACE "|" ";" ARGS "${ARGS}")
string(REPLACE "|" ";" LINES "${LINES}")
if(NOT DEFINED RC)
  set(RC 0)
endif()
execute_process(COMMAND ${GIOTMAU} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL RC)
  message(FATAL_ERROR "giotmau ${ARGS}: exit code ${rc}, expected ${RC}\n${out}\n${err}")
endif()
string(REPLACE "\n" ";" out_lines "${out}\n${err}")
foreach(expected IN LISTS LINES)
  set(found FALSE)
  foreach(line IN LISTS out_lines)
    if(line MATCHES "^${expected}$")
      set(found TRUE)
      break()
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "giotmau ${ARGS}: no output line matches '${expected}'\n${out}\n${err}")
  endif()
endforeach()
