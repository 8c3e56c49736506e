// table.move, table.insert and table.remove with the stock behaviour
// (arguments, errors, the order of every access a metamethod can see), but
// their loops check the slice deadline. Their running time is the range the
// script names, not the memory it holds: `table.move({}, 1, 1 << 62, 1, {})`
// or an insert into a table whose __len says 2^62 would otherwise keep a
// worker in C code for ever. concat, sort and unpack need no copy: each of
// their steps either grows memory (concat's buffer, unpack's stack) or calls
// a function (the comparator, a metamethod), where the hook looks.
#include "lua_bridge/execution_meter.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

// What a table-like argument must support when it is no table.
enum access : int { read = 1, write = 2, length = 4 };

constexpr lua_Integer steps_between_checks = 4096;

bool has_metafield(lua_State* L, const char* name, int metatable) {
  lua_pushstring(L, name);
  return lua_rawget(L, metatable) != LUA_TNIL;
}

// A table, or a value whose metatable gives every access asked for.
void check_table_like(lua_State* L, int arg, int needs) {
  if (lua_type(L, arg) == LUA_TTABLE) return;
  const int top = lua_gettop(L);
  bool ok = lua_getmetatable(L, arg) != 0;
  const int metatable = lua_gettop(L);
  ok = ok && (!(needs & read) || has_metafield(L, "__index", metatable));
  ok = ok && (!(needs & write) || has_metafield(L, "__newindex", metatable));
  ok = ok && (!(needs & length) || has_metafield(L, "__len", metatable));
  lua_settop(L, top);
  if (!ok) luaL_checktype(L, arg, LUA_TTABLE);  // the stock error
}

lua_Integer checked_length(lua_State* L, int arg, int needs) {
  check_table_like(L, arg, needs | length);
  return luaL_len(L, arg);
}

// dest[to] = source[from]
void copy_element(lua_State* L, int source, lua_Integer from, int dest, lua_Integer to) {
  lua_geti(L, source, from);
  lua_seti(L, dest, to);
}

void every_so_often(lua_State* L, lua_Integer step) {
  if (step % steps_between_checks == 0) check_slice_deadline(L);
}

// table.move(a1, f, e, t [, a2])
int bounded_move(lua_State* L) {
  const lua_Integer first = luaL_checkinteger(L, 2);
  const lua_Integer last = luaL_checkinteger(L, 3);
  const lua_Integer to = luaL_checkinteger(L, 4);
  const int dest = lua_isnoneornil(L, 5) ? 1 : 5;
  check_table_like(L, 1, read);
  check_table_like(L, dest, write);
  if (last >= first) {
    luaL_argcheck(L, first > 0 || last < LUA_MAXINTEGER + first, 3, "too many elements to move");
    const lua_Integer count = last - first + 1;
    luaL_argcheck(L, to <= LUA_MAXINTEGER - count + 1, 4, "destination wrap around");
    // Forwards unless the ranges overlap with the destination ahead.
    const bool forwards =
        to > last || to <= first || (dest != 1 && !lua_compare(L, 1, dest, LUA_OPEQ));
    for (lua_Integer i = 0; i < count; ++i) {
      const lua_Integer k = forwards ? i : count - 1 - i;
      copy_element(L, 1, first + k, dest, to + k);
      every_so_often(L, i + 1);
    }
  }
  lua_pushvalue(L, dest);
  return 1;
}

// table.insert(t, [pos,] value)
int bounded_insert(lua_State* L) {
  const lua_Integer end = luaL_intop(+, checked_length(L, 1, read | write), 1);  // first empty
  lua_Integer pos = end;
  switch (lua_gettop(L)) {
    case 2:
      break;
    case 3: {
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u < static_cast<lua_Unsigned>(end), 2,
                    "position out of bounds");
      for (lua_Integer i = end; i > pos; --i) {
        copy_element(L, 1, i - 1, 1, i);
        every_so_often(L, end - i + 1);
      }
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

// table.remove(t [, pos])
int bounded_remove(lua_State* L) {
  const lua_Integer size = checked_length(L, 1, read | write);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size) {
    // Argument 1, not 2: the stock message, quirk included.
    luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u <= static_cast<lua_Unsigned>(size), 1,
                  "position out of bounds");
  }
  lua_geti(L, 1, pos);  // the result
  const lua_Integer start = pos;
  for (; pos < size; ++pos) {
    copy_element(L, 1, pos + 1, 1, pos);
    every_so_often(L, pos - start + 1);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

}  // namespace

void install_bounded_table(lua_State* L) {
  lua_pushcfunction(L, bounded_move);
  lua_setfield(L, -2, "move");
  lua_pushcfunction(L, bounded_insert);
  lua_setfield(L, -2, "insert");
  lua_pushcfunction(L, bounded_remove);
  lua_setfield(L, -2, "remove");
}

}  // namespace alc
