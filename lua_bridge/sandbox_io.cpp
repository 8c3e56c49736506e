// A safe io library (parity.md §1): output goes to the session's log, and
// nothing reaches the file system. Packages written for a full Lua use io in
// two ways, and both keep working: they write progress to stdout/stderr,
// and they try a file (`io.open("/dev/urandom")`) with a fallback for nil.
#include <string_view>
#include <utility>

#include "lua_bridge/vm_core.hpp"
#include "lua_bridge/vm_setup.hpp"

namespace alc {
namespace {

// Their addresses are registry keys: the standard files' metatable, and a
// table of the standard files that the script cannot reassign (the stock
// library keeps them in upvalues for the same reason).
const char file_metatable_key = 0;
const char standard_files_key = 0;

enum class stream : unsigned char { in, out, err };

void push_standard_file(lua_State* L, const char* name) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &standard_files_key);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
}

stream* as_file(lua_State* L, int index) {
  void* data = lua_touserdata(L, index);
  if (data == nullptr || !lua_getmetatable(L, index)) return nullptr;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &file_metatable_key);
  const bool ours = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return ours ? static_cast<stream*>(data) : nullptr;
}

stream& check_file(lua_State* L, int index) {
  stream* file = as_file(L, index);
  if (file == nullptr) luaL_typeerror(L, index, "FILE*");
  return *file;
}

// Writes arguments first..top to the log: stdout at info, stderr at warn.
// Returns the file at `self` (0: io.stdout) so that writes chain, as stock
// io's do.
int write_to_log(lua_State* L, stream target, int first, int self) {
  if (target == stream::in) {
    lua_pushnil(L);
    lua_pushliteral(L, "Bad file descriptor");
    lua_pushinteger(L, 9);
    return 3;
  }
  const int top = lua_gettop(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (int i = first; i <= top; ++i) {
    std::size_t len = 0;
    const char* part = luaL_checklstring(L, i, &len);
    luaL_addlstring(&buffer, part, len);
  }
  luaL_pushresult(&buffer);
  std::size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  if (len > 0 && text[len - 1] == '\n') --len;  // a log entry is a line
  if (len > 0) {
    core_of(L).log(to_string(target == stream::err ? log_level::warn : log_level::info),
                   std::string_view(text, len));
  }
  if (self == 0) {
    push_standard_file(L, "stdout");
  } else {
    lua_pushvalue(L, self);
  }
  return 1;
}

int no_file_access(lua_State* L, const char* what) {
  return luaL_error(L, "%s: not permitted (the sandbox has no file or console input)", what);
}

// ---- methods of io.stdin, io.stdout, io.stderr

int file_write(lua_State* L) {
  const stream target = check_file(L, 1);
  return write_to_log(L, target, 2, 1);
}

int file_read(lua_State* L) {
  check_file(L, 1);
  return no_file_access(L, "file:read");
}

int file_lines(lua_State* L) {
  check_file(L, 1);
  return no_file_access(L, "file:lines");
}

int file_close(lua_State* L) {
  check_file(L, 1);
  lua_pushnil(L);
  lua_pushliteral(L, "cannot close standard file");
  return 2;
}

int file_self(lua_State* L) {  // flush: nothing is buffered
  check_file(L, 1);
  lua_settop(L, 1);
  return 1;
}

int file_setvbuf(lua_State* L) {
  check_file(L, 1);
  lua_pushboolean(L, 1);
  return 1;
}

int file_seek(lua_State* L) {
  check_file(L, 1);
  lua_pushnil(L);
  lua_pushliteral(L, "Illegal seek");
  lua_pushinteger(L, 29);
  return 3;
}

int file_tostring(lua_State* L) {
  const stream which = check_file(L, 1);
  lua_pushstring(L, which == stream::in    ? "file (stdin)"
                    : which == stream::out ? "file (stdout)"
                                           : "file (stderr)");
  return 1;
}

// ---- the io table

int io_write(lua_State* L) {
  return write_to_log(L, stream::out, 1, 0);
}

int io_read(lua_State* L) {
  return no_file_access(L, "io.read");
}

int io_lines(lua_State* L) {
  return no_file_access(L, "io.lines");
}

// io.open(path) -> nil, "<path>: Permission denied", 13: what a locked-down
// file system answers, so `local f = io.open(p) if f then ...` falls back.
int io_open(lua_State* L) {
  const char* path = luaL_checkstring(L, 1);
  luaL_optstring(L, 2, "r");
  lua_pushnil(L);
  lua_pushfstring(L, "%s: Permission denied", path);
  lua_pushinteger(L, 13);
  return 3;
}

int io_not_permitted(lua_State* L) {
  lua_pushnil(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  return 2;
}

int io_type(lua_State* L) {
  luaL_checkany(L, 1);
  if (as_file(L, 1) != nullptr) {
    lua_pushliteral(L, "file");
  } else {
    lua_pushnil(L);
  }
  return 1;
}

int io_close(lua_State* L) {
  if (lua_isnone(L, 1)) push_standard_file(L, "stdout");
  return file_close(L);
}

// io.input() / io.output(): the standard file (upvalue 1 names it);
// switching to a file is refused (upvalue 2 names the function).
int io_default_file(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    push_standard_file(L, lua_tostring(L, lua_upvalueindex(1)));
    return 1;
  }
  if (as_file(L, 1) != nullptr) {
    lua_settop(L, 1);
    return 1;
  }
  return luaL_error(L, "io.%s: not permitted (the sandbox has no file access)",
                    lua_tostring(L, lua_upvalueindex(2)));
}

void push_file(lua_State* L, stream which) {
  *static_cast<stream*>(lua_newuserdatauv(L, sizeof(stream), 0)) = which;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &file_metatable_key);
  lua_setmetatable(L, -2);
}

void create_file_metatable(lua_State* L) {
  const luaL_Reg methods[] = {{"write", file_write}, {"read", file_read},
                              {"lines", file_lines}, {"close", file_close},
                              {"flush", file_self},  {"setvbuf", file_setvbuf},
                              {"seek", file_seek},   {nullptr, nullptr}};
  lua_createtable(L, 0, 4);
  lua_createtable(L, 0, 7);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, file_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "FILE*");
  lua_setfield(L, -2, "__name");
  lua_pushboolean(L, 0);  // getmetatable(io.stdout) cannot reach the methods' table
  lua_setfield(L, -2, "__metatable");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &file_metatable_key);
}

}  // namespace

void install_safe_io(lua_State* L) {
  const int io = lua_gettop(L);
  create_file_metatable(L);
  const luaL_Reg functions[] = {{"write", io_write}, {"read", io_read}, {"lines", io_lines},
                                {"open", io_open},   {"type", io_type}, {"close", io_close},
                                {nullptr, nullptr}};
  luaL_setfuncs(L, functions, 0);
  for (const char* name : {"popen", "tmpfile"}) {
    lua_pushfstring(L, "io.%s: not permitted in the sandbox", name);
    lua_pushcclosure(L, io_not_permitted, 1);
    lua_setfield(L, io, name);
  }
  for (const auto& [function, file] : {std::pair{"input", "stdin"}, {"output", "stdout"}}) {
    lua_pushstring(L, file);
    lua_pushstring(L, function);
    lua_pushcclosure(L, io_default_file, 2);
    lua_setfield(L, io, function);
  }
  push_file(L, stream::in);
  lua_setfield(L, io, "stdin");
  push_file(L, stream::out);
  lua_setfield(L, io, "stdout");
  push_file(L, stream::err);
  lua_setfield(L, io, "stderr");
  lua_createtable(L, 0, 3);
  for (const char* name : {"stdin", "stdout", "stderr"}) {
    lua_getfield(L, io, name);
    lua_setfield(L, -2, name);
  }
  lua_rawsetp(L, LUA_REGISTRYINDEX, &standard_files_key);
}

}  // namespace alc
