#include "messages/session_plan.hpp"

namespace alc {

namespace {

constexpr const char* default_state_namespace = "default";

std::string code_of(const run_spec& run) {
  return run.code;
}

// The strategy name is a validated module name, so it needs no escaping.
std::string code_of(const advice_spec& advice) {
  return "return require(\"" + advice.strategy + "\").run(ctx)";
}

// validate() refuses these before any plan is made.
std::string code_of(const unsupported_spec&) {
  return {};
}

nlohmann::json ctx_of(const nlohmann::json& ctx, const run_spec&) {
  return ctx;
}

nlohmann::json ctx_of(const nlohmann::json& ctx, const unsupported_spec&) {
  return ctx;
}

// As the original builds it (parity.md §3): the request ctx, then every
// key of opts at the top level (so `opts.depth` is `ctx.depth`), then task.
nlohmann::json ctx_of(nlohmann::json ctx, const advice_spec& advice) {
  if (advice.opts.is_object()) {
    for (const auto& [key, value] : advice.opts.items()) ctx[key] = value;
  }
  if (advice.task) ctx["task"] = *advice.task;
  return ctx;
}

std::string state_namespace_of(const nlohmann::json& ctx) {
  const auto it = ctx.find("_ns");
  if (it != ctx.end() && it->is_string()) return it->get<std::string>();
  return default_state_namespace;
}

}  // namespace

decoded<session_plan> plan_session(const session_spec& spec) {
  if (auto problem = validate(spec)) return decode_error{std::move(*problem)};
  session_plan plan;
  plan.code = std::visit([](const auto& kind) { return code_of(kind); }, spec.kind);
  plan.ctx = std::visit([&spec](const auto& kind) { return ctx_of(spec.ctx, kind); }, spec.kind);
  // Both from the final ctx: `opts.budget` and `opts._ns` work as in the original.
  plan.budget = read_budget(plan.ctx);
  plan.state_namespace = state_namespace_of(plan.ctx);
  if (const auto* run = std::get_if<run_spec>(&spec.kind); run != nullptr && run->name) {
    plan.chunk_name = *run->name;
  }
  return plan;
}

}  // namespace alc
