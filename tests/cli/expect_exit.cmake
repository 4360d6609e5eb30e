# cmake -DCMD=program -DARGS="a;b" -DEXPECT=N [-DSTDERR=regex] -P expect_exit.cmake
# Runs CMD ARGS and fails unless it exits with EXPECT and prints a usage line on stderr (exit 2)
# and, when STDERR is given, unless stderr matches that regular expression.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT)
    message(FATAL_ERROR "expected exit ${EXPECT}, got ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
if(EXPECT EQUAL 2 AND NOT err MATCHES "usage:")
    message(FATAL_ERROR "exit 2 without a usage text on stderr: ${err}")
endif()
if(DEFINED STDERR AND NOT STDERR STREQUAL "" AND NOT err MATCHES "${STDERR}")
    message(FATAL_ERROR "stderr does not match '${STDERR}': ${err}")
endif()
