# Compiler launcher and warnings shared by every target.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# The project's own targets (libraries, executables, tests) link vistag_warnings; third-party
# headers come in as SYSTEM includes (imported targets), so the warnings stop at our code.
# CI configures with VISTAG_WERROR=ON (scripts/build.sh reads the environment variable).
option(VISTAG_WERROR "Treat warnings in the project's own code as errors" OFF)
add_library(vistag_warnings INTERFACE)
target_compile_options(vistag_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${VISTAG_WERROR}>>:-Werror>)

# Sanitizers instrument the project's own code only (the same targets as the warnings); every
# executable links the runtime.
if(VISTAG_TSAN)
    target_compile_options(vistag_warnings INTERFACE
        $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=thread -fno-omit-frame-pointer>)
    add_link_options(-fsanitize=thread)
endif()
if(VISTAG_ASAN)
    target_compile_options(vistag_warnings INTERFACE
        $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=address,undefined -fno-omit-frame-pointer>)
    add_link_options(-fsanitize=address,undefined)
endif()
