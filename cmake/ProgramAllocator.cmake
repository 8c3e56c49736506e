# The allocator of the programs this project builds (alc, the benchmarks);
# the libraries leave it to whoever links them, so an embedding host keeps
# its own. CAF allocates each message on the sending thread and frees it on
# the receiving one; glibc's malloc serialises that on its arena locks,
# mimalloc does not (docs/benchmarks.md has the figures). Linked first, the
# shared mimalloc replaces malloc for the whole process.
set(ALC_MALLOC "mimalloc" CACHE STRING "Allocator of the alc programs: mimalloc or system")
set_property(CACHE ALC_MALLOC PROPERTY STRINGS mimalloc system)

if(ALC_SANITIZE)
  set(alc_program_malloc system)  # the sanitizers bring their own malloc
else()
  set(alc_program_malloc "${ALC_MALLOC}")
endif()

if(alc_program_malloc STREQUAL "mimalloc")
  find_package(mimalloc 2.0 REQUIRED)
elseif(NOT alc_program_malloc STREQUAL "system")
  message(FATAL_ERROR "ALC_MALLOC must be mimalloc or system, not '${ALC_MALLOC}'")
endif()

function(alc_use_program_allocator target)
  if(alc_program_malloc STREQUAL "mimalloc")
    target_link_libraries(${target} PRIVATE mimalloc)
  endif()
endfunction()
