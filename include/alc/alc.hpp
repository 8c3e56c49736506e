#pragma once
// The public API of alc for applications that embed it in their CAF program.
//
//   alc::configure(cfg)            registers alc's message types, error category
//                                  and alc.* options on your actor_system_config
//   alc::runtime rt{system}        starts the registry (and the state store) in
//                                  your actor_system; rt.registry() for actors,
//                                  rt.client() for blocking calls
//   alc::spawn_atom_v, ...         the vocabulary your actors send and receive
//                                  (see actors/registry_actor.hpp for every verb)
//
// Nothing here includes Lua or the runtime's internals.

#include "actors/client.hpp"
#include "actors/registry_actor.hpp"
#include "actors/runtime.hpp"
#include "actors/runtime_options.hpp"
#include "messages/json_codec.hpp"
#include "messages/wire.hpp"
