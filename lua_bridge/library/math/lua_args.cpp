#include "lua_bridge/library/math/lua_args.hpp"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace alc::math_lua {
namespace {

const char* format_float_impl(double value, char* out, std::size_t size);

[[noreturn]] void raise_out_of_range(lua_State* L, int arg, const char* fn, const char* name) {
  char text[float_text_size];
  if (lua_isinteger(L, arg)) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(lua_tointeger(L, arg)));
  } else {
    format_float_impl(static_cast<double>(lua_tonumber(L, arg)), text, sizeof text);
  }
  luaL_error(L, "%s: bad argument #%d (%s): %s is out of range", fn, arg, name, text);
  std::abort();  // unreachable: luaL_error does not return
}

[[noreturn]] void raise_type(lua_State* L, int arg, const char* fn, const char* name,
                             const char* expected) {
  luaL_error(L, "%s: bad argument #%d (%s): %s expected, got %s", fn, arg, name, expected,
             luaL_typename(L, arg));
  std::abort();
}

bool is_numeric(lua_State* L, int arg) {
  const int type = lua_type(L, arg);
  return type == LUA_TNUMBER || type == LUA_TSTRING;
}

}  // namespace

void raise(lua_State* L, const char* fn, const char* reason) {
  luaL_error(L, "%s: %s", fn, reason);
  std::abort();
}

const char* format_float(double value, char* out, std::size_t size) noexcept {
  return format_float_impl(value, out, size);
}

namespace {

const char* format_float_impl(double value, char* out, std::size_t size) {
  if (std::isnan(value)) {
    std::snprintf(out, size, "NaN");
  } else if (std::isinf(value)) {
    std::snprintf(out, size, value > 0 ? "inf" : "-inf");
  } else {
    const auto result = std::to_chars(out, out + size - 1, value, std::chars_format::fixed);
    *result.ptr = '\0';
  }
  return out;
}

}  // namespace

double check_number(lua_State* L, int arg, const char* fn, const char* name) {
  int is_number = 0;
  const lua_Number value = is_numeric(L, arg) ? lua_tonumberx(L, arg, &is_number) : 0;
  if (!is_number) raise_type(L, arg, fn, name, "number");
  return static_cast<double>(value);
}

uint64_t check_count(lua_State* L, int arg, const char* fn, const char* name) {
  if (!is_numeric(L, arg)) raise_type(L, arg, fn, name, "non-negative integer");
  int is_integer = 0;
  const lua_Integer integer = lua_tointegerx(L, arg, &is_integer);
  if (is_integer) {
    if (integer < 0) raise_out_of_range(L, arg, fn, name);
    return static_cast<uint64_t>(integer);
  }
  int is_number = 0;
  const lua_Number value = lua_tonumberx(L, arg, &is_number);
  if (!is_number) raise_type(L, arg, fn, name, "non-negative integer");
  if (!(value > -1.0 && value < 18446744073709551616.0)) raise_out_of_range(L, arg, fn, name);
  return static_cast<uint64_t>(value);  // truncates toward zero
}

int64_t check_int64(lua_State* L, int arg, const char* fn, const char* name) {
  if (!is_numeric(L, arg)) raise_type(L, arg, fn, name, "integer");
  int is_integer = 0;
  const lua_Integer integer = lua_tointegerx(L, arg, &is_integer);
  if (is_integer) return static_cast<int64_t>(integer);
  int is_number = 0;
  const lua_Number value = lua_tonumberx(L, arg, &is_number);
  if (!is_number) raise_type(L, arg, fn, name, "integer");
  if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) {
    raise_out_of_range(L, arg, fn, name);
  }
  return static_cast<int64_t>(value);
}

uint64_t check_seed(lua_State* L, int arg, const char* fn) {
  if (!is_numeric(L, arg)) raise_type(L, arg, fn, "seed", "integer");
  int is_integer = 0;
  const lua_Integer integer = lua_tointegerx(L, arg, &is_integer);
  if (is_integer) return static_cast<uint64_t>(integer);  // negative: its two's-complement bits
  int is_number = 0;
  const lua_Number value = lua_tonumberx(L, arg, &is_number);
  if (!is_number) raise_type(L, arg, fn, "seed", "integer");
  if (value >= 0.0 && value < 18446744073709551616.0) return static_cast<uint64_t>(value);
  if (value < 0.0 && value >= -9223372036854775808.0) {
    return static_cast<uint64_t>(static_cast<int64_t>(value));
  }
  raise_out_of_range(L, arg, fn, "seed");
}

void check_table(lua_State* L, int arg, const char* fn, const char* name) {
  if (lua_type(L, arg) != LUA_TTABLE) raise_type(L, arg, fn, name, "table");
}

bool check_optional_table(lua_State* L, int arg, const char* fn, const char* name) {
  const int type = lua_type(L, arg);
  if (type == LUA_TNONE || type == LUA_TNIL) return false;
  if (type != LUA_TTABLE) raise_type(L, arg, fn, name, "table");
  return true;
}

alc::math::chacha_stream& check_rng(lua_State* L, int arg, const char* fn) {
  void* handle = luaL_testudata(L, arg, rng_type);
  if (handle == nullptr) {
    luaL_error(L, "%s: bad argument #%d (rng): rng handle from rng_create expected, got %s", fn,
               arg, luaL_typename(L, arg));
    std::abort();
  }
  return *static_cast<alc::math::chacha_stream*>(handle);
}

number_array read_numbers(lua_State* L, int arg, const char* fn, bool finite) {
  const lua_Unsigned length = lua_rawlen(L, arg);
  if (finite && length == 0) luaL_error(L, "expected non-empty array");
  if (length > (SIZE_MAX / 2) / sizeof(double)) luaL_error(L, "%s: array too large", fn);
  const auto n = static_cast<std::size_t>(length);
  double* data = push_buffer<double>(L, n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto index = static_cast<lua_Integer>(i + 1);
    lua_rawgeti(L, arg, index);
    int is_number = 0;
    const lua_Number value = is_numeric(L, -1) ? lua_tonumberx(L, -1, &is_number) : 0;
    if (!is_number) {
      luaL_error(L, "%s: element at index %I is %s (number expected)", fn, index,
                 luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    if (finite && !std::isfinite(value)) {
      char text[float_text_size];
      luaL_error(L, "element at index %I is %s (NaN/Infinity not allowed)", index,
                 format_float(value, text, sizeof text));
    }
    data[i] = static_cast<double>(value);
  }
  return {data, n};
}

void push_floats(lua_State* L, const double* values, std::size_t n) {
  lua_createtable(L, n > INT_MAX ? INT_MAX : static_cast<int>(n), 0);
  for (std::size_t i = 0; i < n; ++i) {
    lua_pushnumber(L, static_cast<lua_Number>(values[i]));
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

void push_count(lua_State* L, uint64_t value) {
  if (value <= static_cast<uint64_t>(LUA_MAXINTEGER)) {
    lua_pushinteger(L, static_cast<lua_Integer>(value));
  } else {
    lua_pushnumber(L, static_cast<lua_Number>(value));
  }
}

}  // namespace alc::math_lua
