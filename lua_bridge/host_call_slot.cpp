#include "lua_bridge/host_call_slot.hpp"

#include <stdexcept>
#include <utility>

#include "lua_bridge/lua_json.hpp"
#include "lua_bridge/vm_core.hpp"

namespace alc {

const char runtime_yield_marker = 0;

void host_call_slot::discard() noexcept {
  call_.reset();
  staged_ = false;
}

int host_call_slot::resumed(lua_State* L, int /*status*/, lua_KContext) {
  return core_of(L).host.push_answer(L);
}

// Runs in the primitive's frame: its arguments are still on the stack.
int host_call_slot::push_answer(lua_State* L) {
  const reply_kind reply = std::exchange(reply_, reply_kind::none);
  if (reply == reply_kind::none) {
    // Resumed without an answer: a coroutine whose host call was abandoned
    // (its resumer could not yield), resumed again later. Nothing was
    // asked, so nothing may be made up: the call fails.
    return luaL_error(L,
                      "the host call was abandoned (the coroutine was resumed where it could "
                      "not pause) and has no answer");
  }
  if (reply == reply_kind::error) {
    luaL_where(L, 1);
    lua_pushlstring(L, error_reply_.data(), error_reply_.size());
    lua_concat(L, 2);
    return lua_error(L);
  }
  if (reply == reply_kind::llm) {
    if (!llm_as_list_) {
      const std::string& answer = llm_reply_.front();
      lua_pushlstring(L, answer.data(), answer.size());
    } else {
      const auto count = static_cast<lua_Integer>(llm_reply_.size());
      lua_createtable(L, static_cast<int>(count), 0);
      for (lua_Integer i = 0; i < count; ++i) {
        const std::string& answer = llm_reply_[static_cast<std::size_t>(i)];
        lua_pushlstring(L, answer.data(), answer.size());
        lua_rawseti(L, -2, i + 1);
      }
    }
    llm_reply_.clear();
    return 1;
  }
  const auto* state = std::get_if<state_call>(&*call_);
  if (state != nullptr && state->op == state_op::set) {
    value_reply_ = nullptr;
    return 0;
  }
  if (state != nullptr && state->op == state_op::get && value_reply_.is_null()) {
    lua_pushvalue(L, 2);  // alc.state.get's default
    return 1;
  }
  // Every other call (state, card, fork) returns its value as one Lua value;
  // a null (alc.card.get of an absent card) is nil.
  lua_json::push(L, value_reply_);
  value_reply_ = nullptr;
  return 1;
}

void host_call_slot::answer_llm(std::vector<std::string> responses) {
  const auto* call = waiting_ && !answered() ? std::get_if<llm_call>(&*call_) : nullptr;
  if (call == nullptr) {
    throw std::logic_error("script_vm::answer_llm: no LLM call is waiting for an answer");
  }
  if (responses.size() != call->queries.size()) {
    throw std::logic_error("script_vm::answer_llm: expected " +
                           std::to_string(call->queries.size()) + " responses, got " +
                           std::to_string(responses.size()));
  }
  llm_reply_ = std::move(responses);
  reply_ = reply_kind::llm;
}

void host_call_slot::answer_llm_single(std::string response) {
  const auto* call = waiting_ && !answered() ? std::get_if<llm_call>(&*call_) : nullptr;
  if (call == nullptr || call->queries.size() != 1) {
    throw std::logic_error(
        "script_vm::answer_llm_single: no single LLM query is waiting for an answer");
  }
  llm_reply_.clear();
  llm_reply_.push_back(std::move(response));
  reply_ = reply_kind::llm;
}

void host_call_slot::answer_value(nlohmann::json value) {
  if (!waiting_ || answered() || std::holds_alternative<llm_call>(*call_)) {
    throw std::logic_error("script_vm::answer_value: no service call is waiting for an answer");
  }
  value_reply_ = std::move(value);
  reply_ = reply_kind::value;
}

void host_call_slot::answer_error(std::string message) {
  if (!waiting_ || answered()) {
    throw std::logic_error("script_vm::answer_error: no host call is waiting for an answer");
  }
  error_reply_ = std::move(message);
  reply_ = reply_kind::error;
}

uint64_t host_call_slot::reserve_query_ids(std::size_t count) {
  const uint64_t first = next_query_id_;
  next_query_id_ += count;
  return first;
}

void require_yieldable(lua_State* L, const char* who) {
  if (!lua_isyieldable(L)) {
    luaL_error(L,
               "%s: the session cannot pause here (inside a metamethod, a table.sort comparator "
               "or another call that cannot yield)",
               who);
  }
}

}  // namespace alc
