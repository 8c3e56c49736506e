#include "messages/session_spec.hpp"

#include <string_view>

#include "messages/module_names.hpp"

namespace alc {

namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

std::optional<std::string> validate_kind(const run_spec& run) {
  if (is_blank(run.code)) return std::string{"run spec: code is empty"};
  if (run.name) {
    constexpr std::size_t longest_name = 1024;
    if (run.name->empty()) return std::string{"run spec: name is empty"};
    if (run.name->size() > longest_name) {
      return "run spec: name is longer than " + std::to_string(longest_name) + " bytes";
    }
    if (run.name->find_first_of("\n\r") != std::string::npos) {
      return std::string{"run spec: name holds a line break"};
    }
  }
  return std::nullopt;
}

std::optional<std::string> validate_kind(const advice_spec& advice) {
  if (advice.strategy.empty()) return std::string{"advice spec: strategy is empty"};
  if (const char* reason = invalid_module_name_reason(advice.strategy)) {
    return "advice spec: strategy '" + advice.strategy + "' is not a module name: it " + reason;
  }
  return std::nullopt;
}

std::optional<std::string> validate_kind(const unsupported_spec& unsupported) {
  if (unsupported.kind == "eval") {
    return std::string{
        "eval spec: not available in this runtime (alc.eval needs the evalframe package, "
        "which alc does not provide; run the scenario's cases with an advice or run spec)"};
  }
  return "unknown spec kind '" + unsupported.kind + "' (expected one of run, advice)";
}

}  // namespace

std::optional<std::string> validate(const session_spec& spec) {
  if (auto problem = std::visit([](const auto& kind) { return validate_kind(kind); }, spec.kind)) {
    return problem;
  }
  if (!spec.ctx.is_object()) return std::string{"ctx must be a JSON object"};
  return std::nullopt;
}

}  // namespace alc
