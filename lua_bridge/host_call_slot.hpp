#pragma once
// Internal to lua_bridge: the one host call of a VM in flight.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "lua_bridge/host_call.hpp"

namespace alc {

/// Its address marks yields that belong to the runtime, not to the script.
extern const char runtime_yield_marker;

/// The pending host call, the host's answer, and the one continuation that
/// turns the answer into the calling primitive's Lua results. The request's
/// storage is reused from one call to the next (no allocation per alc.llm),
/// and the steps every alc.llm takes are inline (the round trip is a
/// benchmarked figure).
///
/// Life of a call: a primitive fills `llm(...)` or `emplace<...>()`, then
/// returns `yield(L)`; the slice ends and the VM `take()`s the staged call
/// for the host; the host answers once, with the answer kind of the call;
/// the next slice resumes the primitive in the continuation. Adding a kind
/// of call means a host_call alternative and its case in `push_answer`.
class host_call_slot {
 public:
  // ---- the primitive's side. The call counts as staged only from `yield`
  // on, so a primitive may still raise a Lua error while it fills it.
  /// The previous llm_call, reused in place (its buffers keep their
  /// capacity): the caller assigns every field. `as_list`: the script
  /// receives a list of strings (alc.llm_batch), else one string.
  llm_call& llm(bool as_list) {
    if (!call_ || !std::holds_alternative<llm_call>(*call_)) {
      call_.emplace(std::in_place_type<llm_call>);
    }
    llm_as_list_ = as_list;
    return std::get<llm_call>(*call_);
  }
  /// A fresh state_call, card_call or fork_call. May throw std::bad_alloc.
  template <class Call>
  Call& emplace() {
    llm_as_list_ = false;
    return std::get<Call>(call_.emplace(std::in_place_type<Call>));
  }
  /// Forgets a call that could not be staged completely (out of memory).
  void discard() noexcept;
  /// Yields the call to the host: the one lua_yieldk of every host call.
  int yield(lua_State* L) {
    staged_ = true;
    lua_pushlightuserdata(L, const_cast<char*>(&runtime_yield_marker));
    return lua_yieldk(L, 1, 0, &host_call_slot::resumed);
  }
  /// A coroutine cannot pass the yield up: the call will not be made.
  void abandon_staged() noexcept { staged_ = false; }

  // ---- the VM's side
  /// The call a runtime yield carried, now waiting for its answer; null when
  /// the yield staged nothing (a preemption passed up).
  const host_call* take() {
    if (!staged_) return nullptr;
    staged_ = false;
    waiting_ = true;
    return &*call_;
  }
  bool waiting() const { return waiting_; }
  bool answered() const { return reply_ != reply_kind::none; }
  /// Starts the next slice: the answer (if any) is about to be consumed.
  void resume() { waiting_ = false; }

  // ---- the host's side (through script_vm; misuse is a std::logic_error)
  void answer_llm(std::vector<std::string> responses);
  void answer_llm_single(std::string response);
  void answer_value(nlohmann::json value);
  void answer_error(std::string message);

  // ---- query ids (`q-<n>`), shared by the script and the owner
  uint64_t next_query_id() { return next_query_id_++; }
  uint64_t reserve_query_ids(std::size_t count);
  uint64_t queries_issued() const { return next_query_id_; }

 private:
  enum class reply_kind { none, llm, value, error };
  static int resumed(lua_State* L, int status, lua_KContext);
  int push_answer(lua_State* L);

  std::optional<host_call> call_;
  bool llm_as_list_ = false;
  bool staged_ = false;   ///< a primitive staged `call_` and is yielding for it
  bool waiting_ = false;  ///< the host holds `call_` and owes an answer
  reply_kind reply_ = reply_kind::none;
  std::vector<std::string> llm_reply_;
  nlohmann::json value_reply_;
  std::string error_reply_;
  uint64_t next_query_id_ = 0;
};

/// Raises a clear error when the caller runs where Lua cannot yield.
void require_yieldable(lua_State* L, const char* who);

}  // namespace alc
