#pragma once
// Internal to lua_bridge: the steps that build a VM's environment, each run
// inside the protected setup call (they may raise).

struct lua_State;

namespace alc {

/// The base library and the lazily opened standard libraries (sandbox.cpp).
void open_sandbox(lua_State* L);
/// The global `alc`, whose rarer parts open on first use, and `print`.
void open_alc_library(lua_State* L);
/// Installs `require` for the VM's package paths.
void open_package_loader(lua_State* L);
/// Replaces resume and wrap in the coroutine library on top of the stack.
void install_coroutine_bridge(lua_State* L);
/// Replaces move, insert and remove in the table library on top of the stack.
void install_bounded_table(lua_State* L);
/// Adds the safe getenv, exit, execute ... to the os table on top of the stack.
void install_safe_os(lua_State* L);
/// Fills the (empty) table on top of the stack with the safe io library.
void install_safe_io(lua_State* L);
/// Replaces find, match, gmatch, gsub and rep in the string table on top of
/// the stack with ones bounded by the slice's deadline (sandbox_string.cpp).
void install_safe_string(lua_State* L);

}  // namespace alc
