#include "messages/json_codec.hpp"

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace alc {

namespace {

using json = nlohmann::json;

constexpr int64_t default_max_tokens = 1024;  // lua-api.md, `alc.llm` opts
constexpr std::size_t max_quoted_chars = 64;  // keeps error messages short on hostile input

// ---------------------------------------------------------------------------
// Encoders (one overload per alternative, so variants encode with std::visit)

json encode_optional(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

json encode_optional(const std::optional<token_usage>& usage) {
  return usage ? to_json_value(*usage) : json(nullptr);
}

void add_pause_info(json& out, const pause_info& info) {
  out["kind"] = to_string(info.kind);
  json prompts = json::array();
  for (const auto& query : info.prompts) prompts.push_back(to_json_value(query));
  out["prompts"] = std::move(prompts);
}

json encode(const running_state&) {
  return {{"state", "running"}};
}

json encode(const paused_state& paused) {
  json out = {{"state", "paused"}, {"paused_at", paused.paused_at}};
  add_pause_info(out, paused.info);
  return out;
}

json encode(const done_state& done) {
  return {{"state", "done"},
          {"value", done.value},
          {"usage", encode_optional(done.usage)},
          {"finished_at", done.finished_at}};
}

json encode(const failed_state& failed) {
  return {{"state", "failed"},
          {"message", failed.message},
          {"kind", to_string(failed.kind)},
          {"occurred_at", failed.occurred_at}};
}

json encode(const cancelled_state& cancelled) {
  return {{"state", "cancelled"},
          {"reason", to_json_value(cancelled.reason)},
          {"observed_at", cancelled.observed_at},
          {"state_before",
           std::visit([](const auto& s) { return encode(s); }, cancelled.state_before)}};
}

json encode(const run_spec& run) {
  return {{"kind", "run"}, {"code", run.code}};
}

json encode(const advice_spec& advice) {
  return {{"kind", "advice"},
          {"strategy", advice.strategy},
          {"task", encode_optional(advice.task)},
          {"opts", advice.opts}};
}

json encode(const single_payload& single) {
  json out = to_json_value(single.answer);
  out["payload_kind"] = "single";
  return out;
}

json encode(const batch_payload& batch) {
  json responses = json::array();
  for (const auto& response : batch.responses) responses.push_back(to_json_value(response));
  return {{"payload_kind", "batch"}, {"responses", std::move(responses)}};
}

json encode(const resume_continued&) {
  return {{"status", "continued"}};
}

json encode(const resume_accepted& accepted) {
  return {{"status", "accepted"}, {"remaining", accepted.remaining}};
}

// Session events: the fields next to `kind` and `at`.
void add_fields(json& out, const snapshot_event& e) {
  out["state"] = to_json_value(e.state);
}
void add_fields(json& out, const state_transition_event& e) {
  out["from"] = e.from;
  out["to"] = e.to;
}
void add_fields(json& out, const pause_requested_event& e) {
  out["info"] = to_json_value(e.info);
}
void add_fields(json& out, const resume_accepted_event& e) {
  out["payload_kind"] = to_string(e.payload_kind);
}
void add_fields(json& out, const progress_event& e) {
  out["step"] = e.step;
  out["total"] = e.total;
  out["message"] = encode_optional(e.message);
}
void add_fields(json& out, const log_event& e) {
  out["level"] = to_string(e.level);
  out["message"] = e.message;
}
void add_fields(json& out, const llm_call_begin_event& e) {
  out["query_id"] = e.query_id;
}
void add_fields(json& out, const llm_call_end_event& e) {
  out["query_id"] = e.query_id;
  out["usage"] = encode_optional(e.usage);
}
void add_fields(json&, const closed_event&) {}

// ---------------------------------------------------------------------------
// Decoding helpers

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Echoes (part of) a decoded string in a message; cuts on a UTF-8 character
// boundary so that the message itself stays encodable as JSON.
std::string quote(std::string_view text) {
  if (text.size() <= max_quoted_chars) return "'" + std::string{text} + "'";
  std::size_t cut = max_quoted_chars;
  while (cut > 0 && is_utf8_continuation(text[cut])) --cut;
  return "'" + std::string{text.substr(0, cut)} + "...'";
}

std::string describe(const json& node) {
  switch (node.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a floating-point number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

template <class E>
std::string join_names(std::initializer_list<E> values) {
  std::string out;
  for (E value : values) {
    if (!out.empty()) out += ", ";
    out += to_string(value);
  }
  return out;
}

// The first error wins: later ones are mostly consequences of it.
struct error_sink {
  std::optional<std::string> first;
};

// A cursor on one node of the document being decoded. It knows its path, so
// every error names the offending field; a missing field is a reader without
// a node. Leaf accessors record an error and return a default on mismatch, so
// decoders read straight through and the caller checks the sink once.
class reader {
 public:
  reader(const json* node, std::string path, error_sink& sink)
      : node_(node), path_(std::move(path)), sink_(&sink) {}

  bool ok() const { return !sink_->first; }
  /// Optional fields treat `null` like a missing key.
  bool absent() const { return node_ == nullptr || node_->is_null(); }

  void fail(const std::string& message) const {
    if (!sink_->first) sink_->first = path_.empty() ? message : path_ + ": " + message;
  }

  reader field(const char* key) const {
    const json* child = nullptr;
    if (node_ != nullptr && node_->is_object()) {
      auto it = node_->find(key);
      if (it != node_->end()) child = &*it;
    }
    return reader{child, path_.empty() ? std::string{key} : path_ + "." + key, *sink_};
  }

  /// Fails unless the node is an object; decoders of structures start here.
  bool object() const { return expect(node_ != nullptr && node_->is_object(), "an object"); }

  std::string string() const {
    if (!expect(node_ != nullptr && node_->is_string(), "a string")) return {};
    return node_->get_ref<const std::string&>();
  }

  std::optional<std::string> optional_string() const {
    if (absent()) return std::nullopt;
    return string();
  }

  bool boolean(bool fallback) const {
    if (absent()) return fallback;
    if (!expect(node_->is_boolean(), "a boolean")) return fallback;
    return node_->get<bool>();
  }

  /// A JSON integer: floats such as 1.5 or 2.0 are rejected, unsigned ones must fit int64.
  int64_t integer() const {
    return bounded_integer(std::numeric_limits<int64_t>::min(), "an integer");
  }
  /// Token counts, `remaining`: a negative value is nonsense, never a wrap-around.
  int64_t count() const { return bounded_integer(0, "a non-negative integer"); }
  int64_t positive() const { return bounded_integer(1, "a positive integer"); }

  /// Any JSON value; a missing one reads as null.
  json any() const { return node_ != nullptr ? *node_ : json(nullptr); }

  /// Decodes every element of an array with `read(reader) -> T`.
  template <class T, class Read>
  std::vector<T> array(Read read) const {
    std::vector<T> out;
    if (!expect(node_ != nullptr && node_->is_array(), "an array")) return out;
    out.reserve(node_->size());
    for (std::size_t i = 0; i < node_->size() && ok(); ++i) {
      out.push_back(read(reader{&(*node_)[i], path_ + "[" + std::to_string(i) + "]", *sink_}));
    }
    return out;
  }

  /// A string naming one of `values` (via to_string); `what` names the vocabulary.
  template <class E>
  E one_of(std::optional<E> (*parse)(std::string_view), const char* what,
           std::initializer_list<E> values) const {
    const std::string text = string();
    if (!ok()) return *values.begin();
    if (auto value = parse(text)) return *value;
    fail(std::string{"unknown "} + what + " " + quote(text) + " (expected one of " +
         join_names(values) + ")");
    return *values.begin();
  }

  /// Reports a tag that matched none of the accepted ones.
  void unknown_tag(const char* what, std::string_view tag, const char* accepted) const {
    fail(std::string{"unknown "} + what + " " + quote(tag) + " (expected one of " + accepted + ")");
  }

 private:
  int64_t bounded_integer(int64_t min, const char* expected) const {
    if (!expect(node_ != nullptr && node_->is_number_integer(), expected)) return 0;
    constexpr auto max = std::numeric_limits<int64_t>::max();
    if (node_->is_number_unsigned() && node_->get<uint64_t>() > static_cast<uint64_t>(max)) {
      fail(std::string{"expected "} + expected + ", got " + node_->dump() +
           " (out of range, at most " + std::to_string(max) + ")");
      return 0;
    }
    const auto value = node_->get<int64_t>();
    if (value < min) {
      fail(std::string{"expected "} + expected + ", got " + std::to_string(value));
      return 0;
    }
    return value;
  }

  bool expect(bool good, const char* expected) const {
    if (good) return true;
    if (node_ == nullptr) {
      fail("required field is missing");
    } else {
      fail(std::string{"expected "} + expected + ", got " + describe(*node_));
    }
    return false;
  }

  const json* node_;
  std::string path_;
  error_sink* sink_;
};

constexpr const char* state_names = "running, paused, done, failed, cancelled";

bool is_state_name(std::string_view name) {
  for (auto known : {"running", "paused", "done", "failed", "cancelled"}) {
    if (name == known) return true;
  }
  return false;
}

pause_kind read_pause_kind(const reader& r) {
  return r.one_of(parse_pause_kind, "pause kind", {pause_kind::single, pause_kind::batch});
}

cancel_code read_cancel_code(const reader& r) {
  return r.one_of(parse_cancel_code, "cancel code",
                  {cancel_code::user, cancel_code::timeout, cancel_code::parent_dropped,
                   cancel_code::system_shutdown, cancel_code::internal});
}

failure_kind read_failure_kind(const reader& r) {
  return r.one_of(parse_failure_kind, "failure kind",
                  {failure_kind::lua_error, failure_kind::memory_limit, failure_kind::cpu_limit,
                   failure_kind::timeout, failure_kind::engine_error});
}

error_code read_error_code(const reader& r) {
  return r.one_of(
      parse_error_code, "error code",
      {error_code::not_found, error_code::not_paused, error_code::already_cancelled,
       error_code::unknown_query, error_code::duplicate_response, error_code::payload_kind_mismatch,
       error_code::invalid_spec, error_code::capacity});
}

// ---------------------------------------------------------------------------
// Decoders of each type; each expects `r` to be the type's JSON object.

token_usage read_token_usage(const reader& r) {
  token_usage usage;
  if (!r.object()) return usage;
  usage.prompt_tokens = r.field("prompt_tokens").count();
  usage.completion_tokens = r.field("completion_tokens").count();
  return usage;
}

std::optional<token_usage> read_optional_usage(const reader& r) {
  if (r.absent()) return std::nullopt;
  return read_token_usage(r);
}

llm_query read_llm_query(const reader& r) {
  llm_query query;
  if (!r.object()) return query;
  query.query_id = r.field("query_id").string();
  query.prompt = r.field("prompt").string();
  query.system = r.field("system").optional_string();
  if (reader max_tokens = r.field("max_tokens"); !max_tokens.absent()) {
    query.max_tokens = max_tokens.positive();
  } else {
    query.max_tokens = default_max_tokens;
  }
  query.grounded = r.field("grounded").boolean(false);
  query.underspecified = r.field("underspecified").boolean(false);
  query.cache_breakpoint = r.field("cache_breakpoint").optional_string();
  query.role = r.field("role").optional_string();
  return query;
}

// Reads `kind` and `prompts` from `r`, which is either a pause_info object or
// a flat `paused` state object.
pause_info read_pause_fields(const reader& r) {
  pause_info info;
  info.kind = read_pause_kind(r.field("kind"));
  const reader prompts = r.field("prompts");
  info.prompts = prompts.array<llm_query>(read_llm_query);
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

pause_info read_pause_info(const reader& r) {
  if (!r.object()) return {};
  return read_pause_fields(r);
}

cancel_reason read_cancel_reason(const reader& r) {
  cancel_reason reason;
  if (!r.object()) return reason;
  reason.code = read_cancel_code(r.field("code"));
  reason.detail = r.field("detail").optional_string().value_or("");
  reason.requested_at = r.field("requested_at").integer();
  return reason;
}

execution_state read_execution_state(const reader& r);

paused_state read_paused(const reader& r) {
  paused_state paused;
  paused.info = read_pause_fields(r);
  paused.paused_at = r.field("paused_at").integer();
  return paused;
}

done_state read_done(const reader& r) {
  done_state done;
  done.value = r.field("value").any();
  done.usage = read_optional_usage(r.field("usage"));
  done.finished_at = r.field("finished_at").integer();
  return done;
}

failed_state read_failed(const reader& r) {
  failed_state failed;
  failed.message = r.field("message").string();
  failed.kind = read_failure_kind(r.field("kind"));
  failed.occurred_at = r.field("occurred_at").integer();
  return failed;
}

live_state read_live_state(const reader& r) {
  execution_state state = read_execution_state(r);
  if (auto* paused = std::get_if<paused_state>(&state)) return std::move(*paused);
  if (r.ok() && !std::holds_alternative<running_state>(state)) {
    r.field("state").fail("expected 'running' or 'paused' (a cancelled session was live), got " +
                          quote(state_name(state)));
  }
  return running_state{};
}

cancelled_state read_cancelled(const reader& r) {
  cancelled_state cancelled;
  cancelled.reason = read_cancel_reason(r.field("reason"));
  cancelled.observed_at = r.field("observed_at").integer();
  cancelled.state_before = read_live_state(r.field("state_before"));
  return cancelled;
}

execution_state read_execution_state(const reader& r) {
  if (!r.object()) return running_state{};
  const reader tag = r.field("state");
  const std::string name = tag.string();
  if (!r.ok()) return running_state{};
  if (name == "running") return running_state{};
  if (name == "paused") return read_paused(r);
  if (name == "done") return read_done(r);
  if (name == "failed") return read_failed(r);
  if (name == "cancelled") return read_cancelled(r);
  tag.unknown_tag("state", name, state_names);
  return running_state{};
}

terminal_outcome read_terminal_outcome(const reader& r) {
  execution_state state = read_execution_state(r);
  if (!r.ok()) return done_state{};
  if (auto outcome = to_terminal_outcome(state)) return std::move(*outcome);
  r.field("state").fail("expected a terminal state (done, failed or cancelled), got " +
                        quote(state_name(state)));
  return done_state{};
}

spec_kind read_spec_kind(const reader& r) {
  if (!r.object()) return run_spec{};
  const reader tag = r.field("kind");
  const std::string name = tag.string();
  if (!r.ok()) return run_spec{};
  if (name == "run") return run_spec{r.field("code").string()};
  if (name == "advice") {
    advice_spec advice;
    advice.strategy = r.field("strategy").string();
    advice.task = r.field("task").optional_string();
    advice.opts = r.field("opts").any();
    return advice;
  }
  if (name == "eval") {
    tag.fail("spec kind 'eval' is not supported yet (expected one of run, advice)");
  } else {
    tag.unknown_tag("spec kind", name, "run, advice");
  }
  return run_spec{};
}

session_spec read_session_spec(const reader& r) {
  session_spec spec;
  if (!r.object()) return spec;
  spec.kind = read_spec_kind(r.field("kind"));
  if (const reader ctx = r.field("ctx"); !ctx.absent() && ctx.object()) spec.ctx = ctx.any();
  spec.project_root = r.field("project_root").optional_string();
  return spec;
}

// Reads `query_id`, `response` and `usage` from `r`, which is either a
// query_response object or a flat `single` payload.
query_response read_response_fields(const reader& r) {
  query_response response;
  response.query_id = r.field("query_id").string();
  response.response = r.field("response").string();
  response.usage = read_optional_usage(r.field("usage"));
  return response;
}

query_response read_query_response(const reader& r) {
  if (!r.object()) return {};
  return read_response_fields(r);
}

resume_payload read_resume_payload(const reader& r) {
  if (!r.object()) return single_payload{};
  const reader tag = r.field("payload_kind");
  const std::string name = tag.string();
  if (!r.ok()) return single_payload{};
  if (name == "single") return single_payload{read_response_fields(r)};
  if (name == "batch") {
    return batch_payload{r.field("responses").array<query_response>(read_query_response)};
  }
  tag.unknown_tag("payload kind", name, "single, batch");
  return single_payload{};
}

resume_outcome read_resume_outcome(const reader& r) {
  if (!r.object()) return resume_continued{};
  const reader tag = r.field("status");
  const std::string name = tag.string();
  if (!r.ok()) return resume_continued{};
  if (name == "continued") return resume_continued{};
  if (name == "accepted") {
    return resume_accepted{static_cast<std::size_t>(r.field("remaining").count())};
  }
  tag.unknown_tag("resume status", name, "continued, accepted");
  return resume_continued{};
}

std::string read_state_name(const reader& r) {
  std::string name = r.string();
  if (r.ok() && !is_state_name(name)) r.unknown_tag("state", name, state_names);
  return name;
}

event_body read_event_body(const reader& r, const reader& tag, const std::string& kind) {
  if (kind == "snapshot") return snapshot_event{read_execution_state(r.field("state"))};
  if (kind == "state_transition") {
    return state_transition_event{read_state_name(r.field("from")), read_state_name(r.field("to"))};
  }
  if (kind == "pause_requested") return pause_requested_event{read_pause_info(r.field("info"))};
  if (kind == "resume_accepted") {
    return resume_accepted_event{read_pause_kind(r.field("payload_kind"))};
  }
  if (kind == "progress") {
    return progress_event{r.field("step").integer(), r.field("total").integer(),
                          r.field("message").optional_string()};
  }
  if (kind == "log") {
    // Unknown level names degrade to `info`, as in `alc.log` (lua-api.md).
    return log_event{parse_log_level(r.field("level").string()), r.field("message").string()};
  }
  if (kind == "llm_call_begin") return llm_call_begin_event{r.field("query_id").string()};
  if (kind == "llm_call_end") {
    return llm_call_end_event{r.field("query_id").string(), read_optional_usage(r.field("usage"))};
  }
  if (kind == "closed") return closed_event{};
  tag.unknown_tag("event kind", kind,
                  "snapshot, state_transition, pause_requested, resume_accepted, progress, log, "
                  "llm_call_begin, llm_call_end, closed");
  return closed_event{};
}

session_event read_session_event(const reader& r) {
  session_event event;
  if (!r.object()) return event;
  const reader tag = r.field("kind");
  const std::string kind = tag.string();
  event.at = r.field("at").integer();
  if (!r.ok()) return event;
  event.body = read_event_body(r, tag, kind);
  return event;
}

verb_error read_verb_error(const reader& r) {
  verb_error error;
  if (!r.object()) return error;
  error.code = read_error_code(r.field("code"));
  error.message = r.field("message").string();
  error.actual = r.field("actual").optional_string();
  return error;
}

// Iterative, so that the check itself cannot overflow the stack.
bool nests_deeper_than(const json& root, std::size_t limit) {
  std::vector<std::pair<const json*, std::size_t>> pending{{&root, 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    if (depth + 1 > limit) return true;
    for (const auto& child : *node) pending.emplace_back(&child, depth + 1);
  }
  return false;
}

session_metrics read_session_metrics(const reader& r) {
  session_metrics metrics;
  if (!r.object()) return metrics;
  metrics.llm_calls = r.field("llm_calls").count();
  metrics.pauses = r.field("pauses").count();
  metrics.rounds = r.field("rounds").count();
  metrics.prompt_chars = r.field("prompt_chars").count();
  metrics.response_chars = r.field("response_chars").count();
  metrics.usage = read_token_usage(r.field("usage"));
  return metrics;
}

session_summary read_session_summary(const reader& r) {
  session_summary summary;
  if (!r.object()) return summary;
  summary.id = r.field("id").string();
  summary.state = r.field("state").string();
  if (r.ok() && !is_state_name(summary.state)) {
    r.field("state").fail("unknown state " + quote(summary.state) + " (expected one of " +
                          state_names + ")");
  }
  summary.created_at = r.field("created_at").integer();
  summary.last_activity_at = r.field("last_activity_at").integer();
  summary.subscribers = r.field("subscribers").count();
  summary.metrics = read_session_metrics(r.field("metrics"));
  return summary;
}

registry_stats read_registry_stats(const reader& r) {
  registry_stats stats;
  if (!r.object()) return stats;
  stats.live = r.field("live").count();
  stats.spawned = r.field("spawned").count();
  stats.evicted = r.field("evicted").count();
  stats.engine_failures = r.field("engine_failures").count();
  stats.rejected = r.field("rejected").count();
  return stats;
}

// The one place where decoding meets exceptions: nothing escapes from here.
template <class T, class Read>
decoded<T> decode_document(const json& document, Read read) {
  try {
    if (nests_deeper_than(document, max_json_depth)) {
      return decode_error{"document nests deeper than " + std::to_string(max_json_depth) +
                          " levels"};
    }
    error_sink sink;
    T value = read(reader{&document, "", sink});
    if (sink.first) return decode_error{std::move(*sink.first)};
    return value;
  } catch (const std::exception& e) {
    return decode_error{std::string{"cannot decode: "} + e.what()};
  }
}

// nlohmann quotes the raw bytes it read, which may be invalid UTF-8; escaping
// every non-ASCII byte keeps the message safe to embed in a JSON answer.
std::string escape_non_ascii(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

// "[json.exception.parse_error.101] parse error at line 1, column 7: syntax ..."
// → "invalid JSON at line 1, column 7: syntax ..."
std::string describe_parse_failure(std::string_view what) {
  constexpr std::string_view position_prefix = "parse error at ";
  constexpr std::string_view plain_prefix = "parse error: ";
  std::string message;
  if (auto at = what.find(position_prefix); at != std::string_view::npos) {
    message = "invalid JSON at " + std::string{what.substr(at + position_prefix.size())};
  } else if (auto at = what.find(plain_prefix); at != std::string_view::npos) {
    message = "invalid JSON: " + std::string{what.substr(at + plain_prefix.size())};
  } else if (auto at = what.find("] "); at != std::string_view::npos) {
    message = "invalid JSON: " + std::string{what.substr(at + 2)};
  } else {
    message = "invalid JSON: " + std::string{what};
  }
  return escape_non_ascii(message);
}

}  // namespace

// ---------------------------------------------------------------------------
// Public encoders

json to_json_value(const token_usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens}, {"completion_tokens", usage.completion_tokens}};
}

json to_json_value(const llm_query& query) {
  return {{"query_id", query.query_id},
          {"prompt", query.prompt},
          {"system", encode_optional(query.system)},
          {"max_tokens", query.max_tokens},
          {"grounded", query.grounded},
          {"underspecified", query.underspecified},
          {"cache_breakpoint", encode_optional(query.cache_breakpoint)},
          {"role", encode_optional(query.role)}};
}

json to_json_value(const pause_info& info) {
  json out = json::object();
  add_pause_info(out, info);
  return out;
}

json to_json_value(const cancel_reason& reason) {
  return {{"code", to_string(reason.code)},
          {"detail", reason.detail},
          {"requested_at", reason.requested_at}};
}

json to_json_value(const execution_state& state) {
  return std::visit([](const auto& s) { return encode(s); }, state);
}

json to_json_value(const terminal_outcome& outcome) {
  return std::visit([](const auto& s) { return encode(s); }, outcome);
}

json to_json_value(const session_spec& spec) {
  return {{"kind", std::visit([](const auto& k) { return encode(k); }, spec.kind)},
          {"ctx", spec.ctx},
          {"project_root", encode_optional(spec.project_root)}};
}

json to_json_value(const query_response& response) {
  return {{"query_id", response.query_id},
          {"response", response.response},
          {"usage", encode_optional(response.usage)}};
}

json to_json_value(const resume_payload& payload) {
  return std::visit([](const auto& p) { return encode(p); }, payload);
}

json to_json_value(const resume_outcome& outcome) {
  return std::visit([](const auto& o) { return encode(o); }, outcome);
}

json to_json_value(const session_event& event) {
  json out = {{"kind", event_kind_name(event.body)}, {"at", event.at}};
  std::visit([&out](const auto& body) { add_fields(out, body); }, event.body);
  return out;
}

json to_json_value(const verb_error& error) {
  json out = {{"code", to_string(error.code)}, {"message", error.message}};
  if (error.actual) out["actual"] = *error.actual;
  return out;
}

// ---------------------------------------------------------------------------
// Public decoders

template <>
decoded<token_usage> from_json_value<token_usage>(const json& document) {
  return decode_document<token_usage>(document, read_token_usage);
}

template <>
decoded<llm_query> from_json_value<llm_query>(const json& document) {
  return decode_document<llm_query>(document, read_llm_query);
}

template <>
decoded<pause_info> from_json_value<pause_info>(const json& document) {
  return decode_document<pause_info>(document, read_pause_info);
}

template <>
decoded<cancel_reason> from_json_value<cancel_reason>(const json& document) {
  return decode_document<cancel_reason>(document, read_cancel_reason);
}

template <>
decoded<execution_state> from_json_value<execution_state>(const json& document) {
  return decode_document<execution_state>(document, read_execution_state);
}

template <>
decoded<terminal_outcome> from_json_value<terminal_outcome>(const json& document) {
  return decode_document<terminal_outcome>(document, read_terminal_outcome);
}

template <>
decoded<session_spec> from_json_value<session_spec>(const json& document) {
  return decode_document<session_spec>(document, read_session_spec);
}

template <>
decoded<query_response> from_json_value<query_response>(const json& document) {
  return decode_document<query_response>(document, read_query_response);
}

template <>
decoded<resume_payload> from_json_value<resume_payload>(const json& document) {
  return decode_document<resume_payload>(document, read_resume_payload);
}

template <>
decoded<resume_outcome> from_json_value<resume_outcome>(const json& document) {
  return decode_document<resume_outcome>(document, read_resume_outcome);
}

template <>
decoded<session_event> from_json_value<session_event>(const json& document) {
  return decode_document<session_event>(document, read_session_event);
}

template <>
decoded<verb_error> from_json_value<verb_error>(const json& document) {
  return decode_document<verb_error>(document, read_verb_error);
}

decoded<json> parse_json_text(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return decode_error{describe_parse_failure(e.what())};
  }
}

std::string to_json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json to_json_value(const session_metrics& metrics) {
  return {{"llm_calls", metrics.llm_calls},
          {"pauses", metrics.pauses},
          {"rounds", metrics.rounds},
          {"prompt_chars", metrics.prompt_chars},
          {"response_chars", metrics.response_chars},
          {"usage", to_json_value(metrics.usage)}};
}

json to_json_value(const session_summary& summary) {
  return {{"id", summary.id},
          {"state", summary.state},
          {"created_at", summary.created_at},
          {"last_activity_at", summary.last_activity_at},
          {"subscribers", summary.subscribers},
          {"metrics", to_json_value(summary.metrics)}};
}

json to_json_value(const registry_stats& stats) {
  return {{"live", stats.live},
          {"spawned", stats.spawned},
          {"evicted", stats.evicted},
          {"engine_failures", stats.engine_failures},
          {"rejected", stats.rejected}};
}

template <>
decoded<session_summary> from_json_value<session_summary>(const json& document) {
  return decode_document<session_summary>(document, read_session_summary);
}

template <>
decoded<registry_stats> from_json_value<registry_stats>(const json& document) {
  return decode_document<registry_stats>(document, read_registry_stats);
}

}  // namespace alc
