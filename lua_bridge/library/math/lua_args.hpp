#pragma once
// Argument conversion for alc.math (alc-math.md §1). Every function here is
// a validation-phase helper: it may raise a Lua error (longjmp), so callers
// keep only trivially destructible locals alive around it. Buffers are Lua
// userdata pushed on the stack, so their memory counts against the VM's cap
// and is collected with the call.
#include <cstddef>
#include <cstdint>

#include <lua.hpp>

#include "lua_bridge/library/math/chacha_stream.hpp"

namespace alc::math_lua {

/// Raises "<fn>: <reason>".
[[noreturn]] void raise(lua_State* L, const char* fn, const char* reason);

/// Rust's `{}` for f64 (shortest round trip, no exponent; NaN, inf, -inf).
/// `out` needs 400 bytes; returns it.
const char* format_float(double value, char* out, std::size_t size) noexcept;
constexpr std::size_t float_text_size = 400;

/// A float parameter: number or numeric string.
double check_number(lua_State* L, int arg, const char* fn, const char* name);
/// A non-negative integer parameter (floats truncate; negative or NaN is out of range).
uint64_t check_count(lua_State* L, int arg, const char* fn, const char* name);
/// A signed 64-bit parameter (floats truncate).
int64_t check_int64(lua_State* L, int arg, const char* fn, const char* name);
/// A seed: unsigned 64-bit; negative integers are taken as their two's-complement bits.
uint64_t check_seed(lua_State* L, int arg, const char* fn);
/// Argument `arg` must be a table.
void check_table(lua_State* L, int arg, const char* fn, const char* name);
/// nil/none or a table; returns whether it is a table.
bool check_optional_table(lua_State* L, int arg, const char* fn, const char* name);

/// The rng handle's metatable name in the registry.
constexpr const char* rng_type = "alc.math.rng";
alc::math::chacha_stream& check_rng(lua_State* L, int arg, const char* fn);

/// A buffer of `count` elements of T, pushed as userdata.
template <class T>
T* push_buffer(lua_State* L, std::size_t count) {
  return static_cast<T*>(lua_newuserdatauv(L, count == 0 ? 1 : count * sizeof(T), 0));
}

struct number_array {
  double* data;
  std::size_t size;
};

/// The numbers t[1..rawlen] of the table at `arg`, copied into a pushed buffer.
/// `finite` applies §1's checks (non-empty, no NaN/inf); without it the raw
/// numbers come back as they are (Dirichlet alphas, categorical weights).
number_array read_numbers(lua_State* L, int arg, const char* fn, bool finite = true);

/// Fresh 1-based sequences of the values.
void push_floats(lua_State* L, const double* values, std::size_t n);
/// An unsigned count: an integer, or a float beyond the integer range (as mlua does).
void push_count(lua_State* L, uint64_t value);

}  // namespace alc::math_lua
