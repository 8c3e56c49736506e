#pragma once
// The public API of alc for applications that embed it in their CAF program.
//
//   alc::configure(cfg)            registers alc's message types, error category
//                                  and alc.* options on your actor_system_config
//   alc::runtime rt{system}        starts the registry (and the state store) in
//                                  your actor_system; rt.registry() for actors,
//                                  rt.client() for blocking calls
//   alc::spawn_atom_v, ...         the vocabulary your actors send and receive
//                                  (alc/handles.hpp: every verb and its reply, typed)
//   alc::answer_all(pause, f)      the resume payload answering every query
//   alc::classify_lua_input(code)  expression, statements or unfinished (REPLs)
//   alc::spawn_llm_responder(...)  sessions answered by a real model: OpenAI-style
//                                  or Anthropic HTTP endpoints, or a command
//                                  (alc/llm_responder.hpp)
//
// Finer doors: alc/values.hpp (value types and JSON, no CAF), alc/client.hpp,
// alc/runtime.hpp, alc/options.hpp, alc/answer_all.hpp, alc/lua_syntax.hpp,
// alc/llm_responder.hpp.
// Nothing here includes Lua or the runtime's internals.

#include "actors/registry_actor.hpp"
#include "alc/answer_all.hpp"
#include "alc/client.hpp"
#include "alc/handles.hpp"
#include "alc/llm_responder.hpp"
#include "alc/lua_syntax.hpp"
#include "alc/options.hpp"
#include "alc/runtime.hpp"
#include "alc/values.hpp"
#include "messages/wire.hpp"
