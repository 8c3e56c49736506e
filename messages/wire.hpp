#pragma once
// The CAF vocabulary of alc: atoms, type IDs, the `alc` error category and
// `inspect` overloads, so every message crosses CAF's wire. Value types travel
// as their JSON text: the codecs already give exact, round-trip-tested forms.
// Only actor code includes this header; lua_bridge never sees CAF.

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "messages/cancel_reason.hpp"
#include "messages/card_call.hpp"
#include "messages/execution_state.hpp"
#include "messages/resume_payload.hpp"
#include "messages/session_event.hpp"
#include "messages/session_spec.hpp"
#include "messages/session_summary.hpp"
#include "messages/state_call.hpp"
#include "messages/verb_error.hpp"

namespace alc {

/// Types that cross the wire as JSON text, with their wire names.
template <class T>
struct json_wire {
  static constexpr const char* name = nullptr;
};
#define ALC_JSON_WIRE(type, wire_name)             \
  template <>                                      \
  struct json_wire<type> {                         \
    static constexpr const char* name = wire_name; \
  };
ALC_JSON_WIRE(session_spec, "alc.session_spec")
ALC_JSON_WIRE(execution_state, "alc.execution_state")
ALC_JSON_WIRE(terminal_outcome, "alc.terminal_outcome")
ALC_JSON_WIRE(resume_payload, "alc.resume_payload")
ALC_JSON_WIRE(resume_outcome, "alc.resume_outcome")
ALC_JSON_WIRE(cancel_reason, "alc.cancel_reason")
ALC_JSON_WIRE(session_event, "alc.session_event")
ALC_JSON_WIRE(session_summary, "alc.session_summary")
ALC_JSON_WIRE(registry_stats, "alc.registry_stats")
ALC_JSON_WIRE(verb_error, "alc.verb_error")
ALC_JSON_WIRE(state_call, "alc.state_call")
ALC_JSON_WIRE(card_call, "alc.card_call")
#undef ALC_JSON_WIRE

std::string wire_text(const session_spec& x);
std::string wire_text(const execution_state& x);
std::string wire_text(const terminal_outcome& x);
std::string wire_text(const resume_payload& x);
std::string wire_text(const resume_outcome& x);
std::string wire_text(const cancel_reason& x);
std::string wire_text(const session_event& x);
std::string wire_text(const session_summary& x);
std::string wire_text(const registry_stats& x);
std::string wire_text(const verb_error& x);
std::string wire_text(const state_call& x);
std::string wire_text(const card_call& x);

/// Decodes wire text into `x`; a malformed text is a CAF error, never a throw.
caf::error wire_read(const std::string& text, session_spec& x);
caf::error wire_read(const std::string& text, execution_state& x);
caf::error wire_read(const std::string& text, terminal_outcome& x);
caf::error wire_read(const std::string& text, resume_payload& x);
caf::error wire_read(const std::string& text, resume_outcome& x);
caf::error wire_read(const std::string& text, cancel_reason& x);
caf::error wire_read(const std::string& text, session_event& x);
caf::error wire_read(const std::string& text, session_summary& x);
caf::error wire_read(const std::string& text, registry_stats& x);
caf::error wire_read(const std::string& text, verb_error& x);
caf::error wire_read(const std::string& text, state_call& x);
caf::error wire_read(const std::string& text, card_call& x);

template <class Inspector, class T>
std::enable_if_t<json_wire<T>::name != nullptr, typename Inspector::result_type> inspect(
    Inspector& f, T& x) {
  std::string text;
  if constexpr (Inspector::reads_state) text = wire_text(x);
  auto load = caf::meta::load_callback([&]() -> caf::error { return wire_read(text, x); });
  return f(caf::meta::type_name(json_wire<T>::name), text, load);
}

/// A verb's failure as a CAF error of category `alc`; the context carries
/// the message and, for `not_paused`, the actual state.
caf::error make_verb_error(error_code code, std::string message,
                           std::optional<std::string> actual = std::nullopt);
/// The verb_error inside `error`, if it is one of category `alc`.
std::optional<verb_error> to_verb_error(const caf::error& error);
/// One line for any error: `not_found: no session ses-...`, or CAF's text.
std::string describe(const caf::error& error);

}  // namespace alc

CAF_ERROR_CODE_ENUM(alc::error_code, "alc")

CAF_BEGIN_TYPE_ID_BLOCK(alc, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(alc, (alc::session_spec))
CAF_ADD_TYPE_ID(alc, (alc::execution_state))
CAF_ADD_TYPE_ID(alc, (alc::terminal_outcome))
CAF_ADD_TYPE_ID(alc, (alc::resume_payload))
CAF_ADD_TYPE_ID(alc, (alc::resume_outcome))
CAF_ADD_TYPE_ID(alc, (alc::cancel_reason))
CAF_ADD_TYPE_ID(alc, (alc::session_event))
CAF_ADD_TYPE_ID(alc, (alc::session_summary))
CAF_ADD_TYPE_ID(alc, (std::vector<alc::session_summary>))
CAF_ADD_TYPE_ID(alc, (alc::registry_stats))
CAF_ADD_TYPE_ID(alc, (alc::verb_error))
CAF_ADD_TYPE_ID(alc, (alc::state_call))
CAF_ADD_TYPE_ID(alc, (alc::card_call))

// Verbs (registry and session) and internal signals; at most 10 characters.
CAF_ADD_ATOM(alc, alc, spawn_atom, "spawn")
CAF_ADD_ATOM(alc, alc, state_atom, "state")
CAF_ADD_ATOM(alc, alc, resume_atom, "resume")
CAF_ADD_ATOM(alc, alc, cancel_atom, "cancel")
CAF_ADD_ATOM(alc, alc, subscribe_atom, "subscribe")
CAF_ADD_ATOM(alc, alc, unsubscribe_atom, "unsubscrib")
CAF_ADD_ATOM(alc, alc, await_atom, "await")
CAF_ADD_ATOM(alc, alc, list_atom, "list")
CAF_ADD_ATOM(alc, alc, stats_atom, "stats")
CAF_ADD_ATOM(alc, alc, event_atom, "event")
CAF_ADD_ATOM(alc, alc, summary_atom, "summary")
CAF_ADD_ATOM(alc, alc, continue_atom, "continue")
CAF_ADD_ATOM(alc, alc, sweep_atom, "sweep")
CAF_ADD_ATOM(alc, alc, evict_atom, "evict")
CAF_ADD_ATOM(alc, alc, shutdown_atom, "shutdown")
CAF_ADD_ATOM(alc, alc, finished_atom, "finished")
CAF_ADD_ATOM(alc, alc, store_atom, "store")
CAF_ADD_ATOM(alc, alc, fork_atom, "fork")

CAF_END_TYPE_ID_BLOCK(alc)
