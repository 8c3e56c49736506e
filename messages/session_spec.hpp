#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

namespace alc {

/// Run the given Lua code as a function body.
struct run_spec {
  run_spec() = default;
  explicit run_spec(std::string code_) : code(std::move(code_)) {}
  run_spec(std::string code_, std::optional<std::string> name_)
      : code(std::move(code_)), name(std::move(name_)) {}

  std::string code;
  /// What errors and tracebacks call the chunk (`hello.lua:3: boom`);
  /// absent: `script`. The CLI passes the file's path, as lua5.4 does.
  std::optional<std::string> name;
  friend bool operator==(const run_spec& a, const run_spec& b) {
    return a.code == b.code && a.name == b.name;
  }
};

/// Run `require(strategy).run(ctx)`, with `task` placed in ctx.
struct advice_spec {
  std::string strategy;
  std::optional<std::string> task;
  nlohmann::json opts;  ///< null when absent

  friend bool operator==(const advice_spec& a, const advice_spec& b) {
    return a.strategy == b.strategy && a.task == b.task && a.opts == b.opts;
  }
};

/// A spec of a kind this runtime does not run (`eval`, or a name it does not
/// know). It decodes, so that every front end answers it the same way:
/// `invalid_spec` from the registry, saying what is missing.
struct unsupported_spec {
  std::string kind;
  friend bool operator==(const unsupported_spec& a, const unsupported_spec& b) {
    return a.kind == b.kind;
  }
};

using spec_kind = std::variant<run_spec, advice_spec, unsupported_spec>;

/// A request to start one session.
struct session_spec {
  spec_kind kind;
  /// Any JSON value as decoded; validate() refuses one that is not an object.
  nlohmann::json ctx = nlohmann::json::object();
  std::optional<std::string> project_root;

  friend bool operator==(const session_spec& a, const session_spec& b) {
    return a.kind == b.kind && a.ctx == b.ctx && a.project_root == b.project_root;
  }
};

/// Why `spec` cannot be run (empty code, bad strategy name, a kind this
/// runtime does not run, ctx not an object), or nullopt when it is valid.
std::optional<std::string> validate(const session_spec& spec);

}  // namespace alc
