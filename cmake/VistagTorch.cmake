# libtorch comes from the pinned `torch` wheel in the Python environment that scripts/setup.sh
# creates (VISTAG_VENV, default ~/.cache/vistag/venv). The wheel is built with CUDA; we link its
# CUDA support against the machine's CUDA toolkit, which only has to exist at build time: with no
# GPU at run time CUDA is simply reported as unavailable.
if(NOT Torch_DIR)
    set(_venv "$ENV{VISTAG_VENV}")
    if(NOT _venv)
        set(_venv "$ENV{HOME}/.cache/vistag/venv")
    endif()
    set(VISTAG_PYTHON "${_venv}/bin/python" CACHE FILEPATH "Python of the reference environment")
    if(NOT EXISTS "${VISTAG_PYTHON}")
        message(FATAL_ERROR "No Python environment at ${_venv}: run scripts/setup.sh first "
                            "(or set Torch_DIR to a libtorch's share/cmake/Torch).")
    endif()
    execute_process(
        COMMAND "${VISTAG_PYTHON}" -c "import torch, os; print(os.path.dirname(torch.__file__))"
        OUTPUT_VARIABLE _torch_root OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "torch is not installed in ${VISTAG_PYTHON}: run scripts/setup.sh")
    endif()
    set(Torch_DIR "${_torch_root}/share/cmake/Torch" CACHE PATH "libtorch CMake config")
else()
    find_program(VISTAG_PYTHON python3)
endif()

if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()
if(NOT CUDAToolkit_ROOT AND EXISTS /usr/local/cuda)
    set(CUDAToolkit_ROOT /usr/local/cuda)
endif()
# Build for the data-centre cards the project targets (Hopper); torch's kernels are prebuilt.
if(NOT TORCH_CUDA_ARCH_LIST)
    set(TORCH_CUDA_ARCH_LIST "9.0")
endif()

find_package(Torch REQUIRED)
message(STATUS "libtorch ${Torch_VERSION} from ${Torch_DIR}")

# Torch's exported flags carry -D_GLIBCXX_USE_CXX11_ABI; keep them on one interface target.
add_library(vistag_torch INTERFACE)
target_link_libraries(vistag_torch INTERFACE ${TORCH_LIBRARIES})
target_compile_options(vistag_torch INTERFACE ${TORCH_CXX_FLAGS})

# The wheel keeps CUDA's runtime libraries (cuDNN, cuBLAS, NCCL, ...) in site-packages/nvidia/*/lib
# and libtorch_cuda.so has no RUNPATH (Python preloads them). Executables therefore carry those
# folders in an old-style DT_RPATH, which also applies to indirect dependencies, ahead of the
# CUDA toolkit's own (older) copies.
get_filename_component(_torch_pkg "${Torch_DIR}/../../.." ABSOLUTE)
file(GLOB _nvidia_lib_dirs LIST_DIRECTORIES true "${_torch_pkg}/../nvidia/*/lib")
add_library(vistag_torch_runtime INTERFACE)
target_link_options(vistag_torch_runtime INTERFACE "LINKER:--disable-new-dtags")
foreach(_d IN LISTS _nvidia_lib_dirs)
    get_filename_component(_d "${_d}" ABSOLUTE)
    target_link_options(vistag_torch_runtime INTERFACE "LINKER:-rpath,${_d}" "LINKER:-rpath-link,${_d}")
endforeach()
target_link_options(vistag_torch_runtime INTERFACE "LINKER:-rpath,${_torch_pkg}/lib")
