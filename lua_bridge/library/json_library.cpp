// alc.json_encode and alc.json_decode, by the conversion rules of lua_json.
#include <exception>
#include <string>

#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

// Encodes into the scratch text; false with the scratch error set on failure.
bool encode_to_scratch(lua_State* L, scratch_buffers& scratch, int index) noexcept {
  try {
    nlohmann::json value;
    if (auto error = lua_json::to_json(L, index, "value", core_of(L).options.memory_limit, value)) {
      scratch.error = "alc.json_encode: " + *error;
      return false;
    }
    scratch.text = value.dump();
    return true;
  } catch (const std::exception& e) {
    scratch.error = std::string("alc.json_encode: ") + e.what();
    return false;
  }
}

int alc_json_encode(lua_State* L) {
  luaL_checkany(L, 1);
  scratch_buffers& scratch = core_of(L).scratch;
  if (!encode_to_scratch(L, scratch, 1)) return raise_scratch_error(L, scratch);
  lua_pushlstring(L, scratch.text.data(), scratch.text.size());
  scratch.text.clear();
  return 1;
}

// Parses into the scratch JSON; false with the scratch error set on failure.
bool parse_to_scratch(scratch_buffers& scratch, const char* text, std::size_t len) noexcept {
  try {
    scratch.json = nlohmann::json::parse(text, text + len);
    return true;
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (const auto close = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
      what.erase(0, close + 2);
    }
    scratch.error = "alc.json_decode: " + what;
    return false;
  } catch (const std::exception& e) {
    scratch.error = std::string("alc.json_decode: ") + e.what();
    return false;
  }
}

int alc_json_decode(lua_State* L) {
  std::size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  scratch_buffers& scratch = core_of(L).scratch;
  if (!parse_to_scratch(scratch, text, len)) return raise_scratch_error(L, scratch);
  lua_json::push(L, scratch.json);
  scratch.json = nullptr;
  return 1;
}

}  // namespace

void open_json_library(lua_State* L) {
  static constexpr luaL_Reg functions[] = {
      {"json_encode", alc_json_encode},
      {"json_decode", alc_json_decode},
      {nullptr, nullptr},
  };
  luaL_setfuncs(L, functions, 0);
}

}  // namespace alc
