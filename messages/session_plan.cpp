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

nlohmann::json ctx_of(const nlohmann::json& ctx, const run_spec&) {
  return ctx;
}

nlohmann::json ctx_of(nlohmann::json ctx, const advice_spec& advice) {
  if (advice.task) ctx["task"] = *advice.task;
  if (!advice.opts.is_null()) ctx["opts"] = advice.opts;
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
  if (auto problem = parse_budget(spec.ctx, plan.budget)) return decode_error{std::move(*problem)};
  plan.code = std::visit([](const auto& kind) { return code_of(kind); }, spec.kind);
  plan.ctx = std::visit([&spec](const auto& kind) { return ctx_of(spec.ctx, kind); }, spec.kind);
  plan.state_namespace = state_namespace_of(spec.ctx);
  return plan;
}

}  // namespace alc
