# Cross toolchain for AArch64 Linux with Debian's g++-aarch64-linux-gnu.
# Binaries run on an x86 host under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR),
# which shows x86's orderings, not ARM's: results from it are labelled emulated.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
find_program(MEMHARNESS_QEMU_AARCH64 qemu-aarch64)
if(MEMHARNESS_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${MEMHARNESS_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")
endif()
