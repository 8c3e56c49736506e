#include "lua_bridge/chunk_loader.hpp"

#include <string>

#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

int dump_writer(lua_State*, const void* data, std::size_t size, void* out) noexcept {
  try {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
    return 0;
  } catch (...) {
    return 1;
  }
}

}  // namespace

int load_chunk_status(lua_State* L, std::string_view name, std::string_view source) noexcept {
  vm_core& core = core_of(L);
  try {
    const std::string label = "=" + std::string(name);
    chunk_cache* cache = core.options.chunks.get();
    if (cache != nullptr) {
      if (const auto compiled = cache->find(name, source)) {
        return luaL_loadbufferx(L, compiled->data(), compiled->size(), label.c_str(), "b");
      }
    }
    const int status = luaL_loadbufferx(L, source.data(), source.size(), label.c_str(), "t");
    if (status == LUA_OK && cache != nullptr) {
      std::string compiled;
      if (lua_dump(L, dump_writer, &compiled, /*strip=*/0) == 0) {
        cache->store(name, source, std::move(compiled));
      }
    }
    return status;
  } catch (...) {
    return LUA_ERRMEM;  // nothing was pushed: only C++ allocations can throw here
  }
}

void load_cached_chunk(lua_State* L, std::string_view name, std::string_view source) {
  if (load_chunk_status(L, name, source) != LUA_OK) lua_error(L);
}

}  // namespace alc
