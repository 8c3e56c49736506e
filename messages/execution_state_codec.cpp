// JSON codecs of pause_info, execution_state and terminal_outcome
// (messages/execution_state.hpp): a flat object tagged by `"state"`.
#include "messages/codec_parts.hpp"

namespace alc {

namespace {

using json = nlohmann::json;

json tagged(state_kind kind) {
  return {{"state", state_kind_names.name(kind)}};
}

void add_pause_info(json& out, const pause_info& info) {
  out["kind"] = to_string(info.kind);
  json prompts = json::array();
  for (const auto& query : info.prompts) prompts.push_back(to_json_value(query));
  out["prompts"] = std::move(prompts);
}

// One overload per alternative, so the variants encode with std::visit.
json encode(const running_state&) {
  return tagged(state_kind::running);
}

json encode(const paused_state& paused) {
  json out = tagged(state_kind::paused);
  out["paused_at"] = paused.paused_at;
  add_pause_info(out, paused.info);
  return out;
}

json encode(const done_state& done) {
  json out = tagged(state_kind::done);
  out["value"] = done.value;
  out["usage"] = codec::optional_json(done.usage);
  out["finished_at"] = done.finished_at;
  return out;
}

json encode(const failed_state& failed) {
  json out = tagged(state_kind::failed);
  out["message"] = failed.message;
  out["kind"] = to_string(failed.kind);
  out["occurred_at"] = failed.occurred_at;
  return out;
}

json encode(const cancelled_state& cancelled) {
  json out = tagged(state_kind::cancelled);
  out["reason"] = to_json_value(cancelled.reason);
  out["observed_at"] = cancelled.observed_at;
  out["state_before"] = std::visit([](const auto& s) { return encode(s); }, cancelled.state_before);
  return out;
}

// Reads `kind` and `prompts` from `r`, which is either a pause_info object or
// a flat `paused` state object.
pause_info read_pause_fields(const json_reader& r) {
  pause_info info;
  info.kind = r.field("kind").one_of(pause_kind_names, "pause kind");
  const json_reader prompts = r.field("prompts");
  info.prompts = prompts.array<llm_query>(codec::read_llm_query);
  if (!r.ok()) return info;
  // `alc.llm` and a one-item `alc.llm_batch` pause `single` (lua-api.md).
  if (info.kind == pause_kind::single && info.prompts.size() != 1) {
    prompts.fail("a single pause has exactly one prompt, got " +
                 std::to_string(info.prompts.size()));
  } else if (info.prompts.empty()) {
    prompts.fail("a batch pause has at least one prompt, got none");
  }
  return info;
}

paused_state read_paused(const json_reader& r) {
  paused_state paused;
  paused.info = read_pause_fields(r);
  paused.paused_at = r.field("paused_at").integer();
  return paused;
}

done_state read_done(const json_reader& r) {
  done_state done;
  done.value = r.field("value").any();
  done.usage = codec::read_optional_usage(r.field("usage"));
  done.finished_at = r.field("finished_at").integer();
  return done;
}

failed_state read_failed(const json_reader& r) {
  failed_state failed;
  failed.message = r.field("message").string();
  failed.kind = r.field("kind").one_of(failure_kind_names, "failure kind");
  failed.occurred_at = r.field("occurred_at").integer();
  return failed;
}

live_state read_live_state(const json_reader& r) {
  execution_state state = codec::read_execution_state(r);
  if (auto* paused = std::get_if<paused_state>(&state)) return std::move(*paused);
  if (r.ok() && !std::holds_alternative<running_state>(state)) {
    r.field("state").fail("expected 'running' or 'paused' (a cancelled session was live), got " +
                          quote_for_message(state_name(state)));
  }
  return running_state{};
}

cancelled_state read_cancelled(const json_reader& r) {
  cancelled_state cancelled;
  cancelled.reason = codec::read_cancel_reason(r.field("reason"));
  cancelled.observed_at = r.field("observed_at").integer();
  cancelled.state_before = read_live_state(r.field("state_before"));
  return cancelled;
}

terminal_outcome read_terminal_outcome(const json_reader& r) {
  execution_state state = codec::read_execution_state(r);
  if (!r.ok()) return done_state{};
  if (auto outcome = to_terminal_outcome(state)) return std::move(*outcome);
  r.field("state").fail("expected a terminal state (done, failed or cancelled), got " +
                        quote_for_message(state_name(state)));
  return done_state{};
}

}  // namespace

namespace codec {

pause_info read_pause_info(const json_reader& r) {
  if (!r.object()) return {};
  return read_pause_fields(r);
}

execution_state read_execution_state(const json_reader& r) {
  if (!r.object()) return running_state{};
  const auto kind = r.field("state").name_in(state_kind_names, "state");
  if (!kind) return running_state{};
  switch (*kind) {
    case state_kind::running:
      return running_state{};
    case state_kind::paused:
      return read_paused(r);
    case state_kind::done:
      return read_done(r);
    case state_kind::failed:
      return read_failed(r);
    case state_kind::cancelled:
      return read_cancelled(r);
  }
  return running_state{};
}

}  // namespace codec

json to_json_value(const pause_info& info) {
  json out = json::object();
  add_pause_info(out, info);
  return out;
}

json to_json_value(const execution_state& state) {
  return std::visit([](const auto& s) { return encode(s); }, state);
}

json to_json_value(const terminal_outcome& outcome) {
  return std::visit([](const auto& s) { return encode(s); }, outcome);
}

template <>
decoded<pause_info> from_json_value<pause_info>(const json& document) {
  return read_json<pause_info>(document, codec::read_pause_info);
}

template <>
decoded<execution_state> from_json_value<execution_state>(const json& document) {
  return read_json<execution_state>(document, codec::read_execution_state);
}

template <>
decoded<terminal_outcome> from_json_value<terminal_outcome>(const json& document) {
  return read_json<terminal_outcome>(document, read_terminal_outcome);
}

}  // namespace alc
