// alc.card.*: each call becomes a typed card_call that the host's store
// serves while the session stays running. The Lua side checks only what Lua
// alone can (argument types); the store owns every rule about the values.
#include <cstddef>
#include <iterator>
#include <string>

#include "lua_bridge/library/libraries.hpp"
#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {
namespace {

enum class arg_kind {
  none,
  string,          ///< a string (a number is taken as its text)
  table,           ///< a table; anything else raises `message`
  optional_table,  ///< nil or a table
};

struct card_arg {
  arg_kind kind = arg_kind::none;
  const char* name = nullptr;     ///< in messages and conversion paths
  const char* message = nullptr;  ///< arg_kind::table: the error for a non-table
};

/// One function of alc.card: its operation and arguments.
struct card_signature {
  const char* who;  ///< `alc.card.<name>`
  const char* name;
  card_op op;
  card_arg args[3];
};

constexpr card_signature signatures[] = {
    {"alc.card.create",
     "create",
     card_op::create,
     {{arg_kind::table, "card", "alc.card.create: input must be a table"}}},
    {"alc.card.get", "get", card_op::get, {{arg_kind::string, "card_id"}}},
    {"alc.card.list", "list", card_op::list, {{arg_kind::optional_table, "filter"}}},
    {"alc.card.append",
     "append",
     card_op::append,
     {{arg_kind::string, "card_id"},
      {arg_kind::table, "fields", "alc.card.append: fields must be a table"}}},
    {"alc.card.get_by_alias", "get_by_alias", card_op::get_by_alias, {{arg_kind::string, "name"}}},
    {"alc.card.alias_set",
     "alias_set",
     card_op::alias_set,
     {{arg_kind::string, "name"},
      {arg_kind::string, "card_id"},
      {arg_kind::optional_table, "opts"}}},
    {"alc.card.alias_list",
     "alias_list",
     card_op::alias_list,
     {{arg_kind::optional_table, "filter"}}},
    {"alc.card.find", "find", card_op::find, {{arg_kind::optional_table, "query"}}},
    {"alc.card.write_samples",
     "write_samples",
     card_op::write_samples,
     {{arg_kind::string, "card_id"},
      {arg_kind::table, "samples", "alc.card.write_samples: samples must be an array"}}},
    {"alc.card.read_samples",
     "read_samples",
     card_op::read_samples,
     {{arg_kind::string, "card_id"}, {arg_kind::optional_table, "opts"}}},
    {"alc.card.lineage",
     "lineage",
     card_op::lineage,
     {{arg_kind::table, "query", "alc.card.lineage: query must be a table"}}},
    {"alc.card.sink_backfill",
     "sink_backfill",
     card_op::sink_backfill,
     {{arg_kind::table, "params", "alc.card.sink_backfill: params must be a table"}}},
};

int argument_count(const card_signature& sig) {
  int count = 0;
  for (const auto& arg : sig.args) {
    if (arg.kind != arg_kind::none) ++count;
  }
  return count;
}

// Raises a clear error for an argument of the wrong Lua type.
void check_argument(lua_State* L, const card_signature& sig, int index, const card_arg& arg) {
  const int type = lua_type(L, index);
  switch (arg.kind) {
    case arg_kind::none:
      break;
    case arg_kind::string:
      if (type != LUA_TSTRING && type != LUA_TNUMBER) {
        luaL_error(L, "%s: %s must be a string, got %s", sig.who, arg.name,
                   luaL_typename(L, index));
      }
      lua_tostring(L, index);  // a number becomes its text, in place
      break;
    case arg_kind::table:
      if (type != LUA_TTABLE) luaL_error(L, "%s", arg.message);
      break;
    case arg_kind::optional_table:
      if (type != LUA_TTABLE && type != LUA_TNIL) {
        luaL_error(L, "%s: %s must be a table, got %s", sig.who, arg.name, luaL_typename(L, index));
      }
      break;
  }
}

// Reads the arguments into the slot's card_call. Raises nothing; false with
// the scratch error set (the path of a value without a JSON form).
bool stage_card_call(lua_State* L, vm_core& core, const card_signature& sig, int count) noexcept {
  scratch_buffers& scratch = core.scratch;
  try {
    card_call& call = core.host.emplace<card_call>();
    call.op = sig.op;
    call.args.resize(static_cast<std::size_t>(count));
    const std::string root = std::string("card.") + sig.name;
    for (int i = 0; i < count; ++i) {
      const card_arg& arg = sig.args[i];
      if (auto error = lua_json::to_json(L, i + 1, root + "." + arg.name, core.options.memory_limit,
                                         call.args[static_cast<std::size_t>(i)])) {
        scratch.error = "alc." + *error;
        return false;
      }
    }
    return true;
  } catch (...) {
    scratch.error = "not enough memory";
    return false;
  }
}

// Every alc.card function: upvalue 1 is the index of its signature.
int card_function(lua_State* L) {
  const auto& sig = signatures[lua_tointeger(L, lua_upvalueindex(1))];
  require_yieldable(L, sig.who);
  const int count = argument_count(sig);
  lua_settop(L, count);
  for (int i = 0; i < count; ++i) check_argument(L, sig, i + 1, sig.args[i]);
  vm_core& core = core_of(L);
  if (!stage_card_call(L, core, sig, count)) {
    core.host.discard();
    return raise_scratch_error(L, core.scratch);
  }
  return core.host.yield(L);
}

}  // namespace

void open_card_library(lua_State* L) {
  constexpr int count = static_cast<int>(std::size(signatures));
  lua_createtable(L, 0, count);
  for (int i = 0; i < count; ++i) {
    lua_pushinteger(L, i);
    lua_pushcclosure(L, card_function, 1);
    lua_setfield(L, -2, signatures[i].name);
  }
  lua_setfield(L, -2, "card");
}

}  // namespace alc
