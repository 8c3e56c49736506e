#pragma once
// Reads a tool call's `arguments` with the original's rules: absent
// arguments are {}, JSON null counts as absent for optional fields, unknown
// keys are ignored. The first problem is kept and named; a handler checks
// ok() once after reading everything.

#include <cstdint>
#include <optional>
#include <string>

#include "cli/mcp/jsonrpc.hpp"

namespace alc::cli::mcp {

class tool_arguments {
 public:
  explicit tool_arguments(const json& arguments);

  std::string required_string(const char* key);
  std::optional<std::string> optional_string(const char* key);
  std::optional<bool> optional_bool(const char* key);
  /// A non-negative integer.
  std::optional<uint64_t> optional_unsigned(const char* key);
  std::optional<int64_t> optional_integer(const char* key);
  /// Any JSON value but null; nullopt when absent or null.
  std::optional<json> optional_value(const char* key);
  /// A JSON object, or a string holding one (the newer original accepts both).
  std::optional<json> optional_object_or_text(const char* key);
  std::optional<json> optional_array(const char* key);

  bool ok() const { return error_.empty(); }
  /// `failed to deserialize parameters: <what>` for the first problem.
  std::string error() const;

 private:
  const json* field(const char* key);
  void fail(const char* key, const json& value, const char* expected);

  json arguments_;
  std::string error_;
};

/// The JSON type of `value` as an error names it (`a string`, `an integer`, ...).
std::string describe_type(const json& value);

}  // namespace alc::cli::mcp
