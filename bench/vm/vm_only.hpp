#pragma once
// alc's VM without its actor: `script_vm`s held paused, to split a paused
// session's memory into the VM and the rest (actor, registry entry, state).

#include <cstddef>
#include <string>

namespace alc_bench {

struct vm_memory_result {
  std::size_t held = 0;
  std::size_t rss_delta = 0;
  std::size_t lua_bytes = 0;  ///< what the VMs' Lua allocators report in use
};

/// Holds `count` script_vms of `code` paused at their first llm call.
vm_memory_result alc_vm_paused_memory(const std::string& code, std::size_t count);

}  // namespace alc_bench
