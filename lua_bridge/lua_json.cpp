#include "lua_bridge/lua_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include <lua.hpp>

namespace alc::lua_json {
namespace {

// Its address is the registry key of the array marker metatable.
const char array_marker_key = 0;

bool is_identifier(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (const char ch : key) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_';
    if (!ok) return false;
  }
  return true;
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= n) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (code < min_for_length[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string format_float_key(lua_Number number) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.14g", static_cast<double>(number));
  return buffer;
}

/// What one JSON value is charged against the budget, as Lua charges a
/// value (a TValue); strings and keys pay their bytes on top.
constexpr std::size_t value_cost = 16;

std::string describe_size(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

/// Lua → JSON, one recursive walk. Errors carry the path below the failing
/// value; each level prepends its own segment while unwinding.
class encoder {
 public:
  encoder(lua_State* L, std::size_t max_bytes) : L_(L), max_bytes_(max_bytes), left_(max_bytes) {}

  std::optional<std::string> encode(int index, nlohmann::json& out, int depth) {
    if (!charge(value_cost)) return too_large();
    switch (lua_type(L_, index)) {
      case LUA_TNIL:
        out = nullptr;
        return std::nullopt;
      case LUA_TBOOLEAN:
        out = lua_toboolean(L_, index) != 0;
        return std::nullopt;
      case LUA_TNUMBER:
        encode_number(index, out);
        return std::nullopt;
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* data = lua_tolstring(L_, index, &len);
        if (!valid_utf8({data, len})) return std::string(": invalid UTF-8 in string");
        if (!charge(len)) return too_large();
        out = std::string(data, len);
        return std::nullopt;
      }
      case LUA_TTABLE:
        return encode_table(index, out, depth);
      default:
        return std::string(": cannot encode ") + lua_typename(L_, lua_type(L_, index));
    }
  }

 private:
  /// Takes `bytes` from the budget; false (and nothing taken) when it is short.
  bool charge(std::size_t bytes) {
    if (bytes > left_) return false;
    left_ -= bytes;
    return true;
  }

  std::string too_large() const {
    return ": too large to encode (over " + describe_size(max_bytes_) + ")";
  }

  void encode_number(int index, nlohmann::json& out) {
    if (lua_isinteger(L_, index)) {
      out = static_cast<int64_t>(lua_tointeger(L_, index));
      return;
    }
    const double value = static_cast<double>(lua_tonumber(L_, index));
    if (std::isfinite(value)) {
      out = value;
    } else {
      out = nullptr;  // NaN and infinities have no JSON form
    }
  }

  std::optional<std::string> encode_table(int index, nlohmann::json& out, int depth) {
    if (depth >= max_depth) return ": nesting deeper than " + std::to_string(max_depth) + " levels";
    const void* identity = lua_topointer(L_, index);
    for (const void* open : open_tables_) {
      if (open == identity) return std::string(": cannot encode a cyclic table");
    }
    if (!lua_checkstack(L_, 4)) return std::string(": nesting too deep for the Lua stack");
    index = lua_absindex(L_, index);
    open_tables_.push_back(identity);
    auto error =
        is_array(index) ? encode_array(index, out, depth) : encode_object(index, out, depth);
    open_tables_.pop_back();
    return error;
  }

  bool marked_as_array(int index) {
    if (!lua_getmetatable(L_, index)) return false;
    lua_rawgetp(L_, LUA_REGISTRYINDEX, &array_marker_key);
    const bool marked = lua_rawequal(L_, -1, -2) != 0;
    lua_pop(L_, 2);
    return marked;
  }

  // Keys exactly 1..n (n >= 1), or positive integers in a marked table.
  bool is_array(int index) {
    const bool marked = marked_as_array(index);
    lua_Integer count = 0;
    lua_Integer max_key = 0;
    bool all_positive_integers = true;
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      lua_pop(L_, 1);
      ++count;
      if (lua_isinteger(L_, -1) && lua_tointeger(L_, -1) > 0) {
        max_key = std::max(max_key, lua_tointeger(L_, -1));
      } else {
        all_positive_integers = false;
      }
    }
    array_length_ = max_key;
    array_entries_ = count;
    if (!all_positive_integers) return false;
    return marked || (count > 0 && count == max_key);
  }

  std::optional<std::string> encode_array(int index, nlohmann::json& out, int depth) {
    const lua_Integer length = array_length_;
    // Holes become nulls the Lua table never paid for: pay for them before
    // allocating the slots (each element pays for itself as it is encoded).
    const auto holes = static_cast<std::size_t>(length - array_entries_);
    if (holes > left_ / value_cost || !charge(holes * value_cost)) return too_large();
    out = nlohmann::json::array();
    auto& items = out.get_ref<nlohmann::json::array_t&>();
    items.resize(static_cast<std::size_t>(length));
    for (lua_Integer i = 1; i <= length; ++i) {
      lua_rawgeti(L_, index, i);
      auto error = encode(-1, items[static_cast<std::size_t>(i - 1)], depth + 1);
      lua_pop(L_, 1);
      if (error) return "[" + std::to_string(i) + "]" + *error;
    }
    return std::nullopt;
  }

  std::optional<std::string> encode_object(int index, nlohmann::json& out, int depth) {
    out = nlohmann::json::object();
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      std::string key;
      if (auto error = key_of(-2, key)) {
        lua_pop(L_, 2);
        return error;
      }
      if (!charge(value_cost + key.size())) {
        lua_pop(L_, 2);
        return segment(key) + too_large();
      }
      auto error = encode(-1, out[key], depth + 1);
      lua_pop(L_, 1);
      if (error) {
        lua_pop(L_, 1);
        return segment(key) + *error;
      }
    }
    return std::nullopt;
  }

  // Never lua_tolstring a number key: that converts it in place and breaks lua_next.
  std::optional<std::string> key_of(int index, std::string& key) {
    switch (lua_type(L_, index)) {
      case LUA_TSTRING: {
        std::size_t len = 0;
        const char* data = lua_tolstring(L_, index, &len);
        key.assign(data, len);
        if (!valid_utf8(key)) return std::string(": invalid UTF-8 in key");
        return std::nullopt;
      }
      case LUA_TNUMBER:
        key = lua_isinteger(L_, index) ? std::to_string(lua_tointeger(L_, index))
                                       : format_float_key(lua_tonumber(L_, index));
        return std::nullopt;
      default:
        return std::string(": cannot encode a key of type ") +
               lua_typename(L_, lua_type(L_, index));
    }
  }

  static std::string segment(const std::string& key) {
    if (is_identifier(key)) return "." + key;
    return "[" + nlohmann::json(key).dump() + "]";
  }

  lua_State* L_;
  const std::size_t max_bytes_;
  std::size_t left_;  ///< of max_bytes_
  std::vector<const void*> open_tables_;
  lua_Integer array_length_ = 0;   ///< of the table is_array last looked at
  lua_Integer array_entries_ = 0;  ///< its entries (array_length_ minus the holes)
};

}  // namespace

void install_array_marker(lua_State* L) {
  lua_createtable(L, 0, 0);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &array_marker_key);
}

void mark_array(lua_State* L, int index) {
  index = lua_absindex(L, index);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &array_marker_key);
  lua_setmetatable(L, index);
}

void push(lua_State* L, const nlohmann::json& value) {
  // Iterative in spirit, recursive in code: depth is bounded by max_depth,
  // and the only locals are references and trivially destructible iterators
  // (a Lua error may unwind through these frames with longjmp).
  struct walker {
    lua_State* L;
    void operator()(const nlohmann::json& v, int depth) const {
      luaL_checkstack(L, 3, "JSON nesting too deep");
      switch (v.type()) {
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
          lua_pushnil(L);
          return;
        case nlohmann::json::value_t::boolean:
          lua_pushboolean(L, v.get<bool>() ? 1 : 0);
          return;
        case nlohmann::json::value_t::number_integer:
          lua_pushinteger(L, static_cast<lua_Integer>(v.get<int64_t>()));
          return;
        case nlohmann::json::value_t::number_unsigned: {
          const auto u = v.get<uint64_t>();
          if (u <= static_cast<uint64_t>(LUA_MAXINTEGER)) {
            lua_pushinteger(L, static_cast<lua_Integer>(u));
          } else {
            lua_pushnumber(L, static_cast<lua_Number>(u));
          }
          return;
        }
        case nlohmann::json::value_t::number_float:
          lua_pushnumber(L, static_cast<lua_Number>(v.get<double>()));
          return;
        case nlohmann::json::value_t::string: {
          const auto& s = v.get_ref<const std::string&>();
          lua_pushlstring(L, s.data(), s.size());
          return;
        }
        case nlohmann::json::value_t::binary:
          lua_pushnil(L);
          return;
        case nlohmann::json::value_t::array:
        case nlohmann::json::value_t::object:
          break;
      }
      if (depth >= max_depth) luaL_error(L, "JSON nesting deeper than %d levels", max_depth);
      if (v.is_array()) {
        const auto& items = v.get_ref<const nlohmann::json::array_t&>();
        lua_createtable(L, static_cast<int>(std::min<std::size_t>(items.size(), 1u << 20)), 0);
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (items[i].is_null()) continue;  // null → nil: a hole
          (*this)(items[i], depth + 1);
          lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
        }
        lua_rawgetp(L, LUA_REGISTRYINDEX, &array_marker_key);
        lua_setmetatable(L, -2);
        return;
      }
      const auto& fields = v.get_ref<const nlohmann::json::object_t&>();
      lua_createtable(L, 0, static_cast<int>(std::min<std::size_t>(fields.size(), 1u << 20)));
      for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (it->second.is_null()) continue;
        lua_pushlstring(L, it->first.data(), it->first.size());
        (*this)(it->second, depth + 1);
        lua_rawset(L, -3);
      }
    }
  };
  walker{L}(value, 0);
}

std::optional<std::string> to_json(lua_State* L, int index, std::string_view root,
                                   std::size_t max_bytes, nlohmann::json& out) {
  encoder enc(L, max_bytes);
  auto error = enc.encode(lua_absindex(L, index), out, 0);
  if (!error) return std::nullopt;
  return std::string(root) + *error;
}

}  // namespace alc::lua_json
