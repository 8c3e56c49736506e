// One line of the `alc serve` protocol (docs/protocol.md), as the server
// reads it: the JSON text, the envelope, the fields of its op, the plan of
// a spawn's spec (what the registry checks), and the response line of a
// rejection. No actor system: all of it is CAF-free.
// Properties: nothing throws or crashes; every rejected line gets a
// response that is one line of JSON carrying the request's id.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "cli/serve/request_envelope.hpp"
#include "cli/serve/response_lines.hpp"
#include "messages/session_plan.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using nlohmann::json;

void check_response(const alc::cli::rejection& problem) {
  alc::fuzz::require(!problem.message.empty(), "rejection", "no message");
  alc::fuzz::require(
      problem.id.is_null() || problem.id.is_string() || problem.id.is_number_integer(), "rejection",
      "id is neither null, a string nor an integer");
  const std::string line = alc::cli::error_line(
      problem.id, alc::cli::error_value(alc::cli::bad_request, problem.message));
  alc::fuzz::require(line.find('\n') == std::string::npos, "response line", line);
  const auto parsed = alc::parse_json_text(line);
  alc::fuzz::require(parsed.ok(), "response line is not JSON", line);
  alc::fuzz::require(parsed.value().at("id") == problem.id, "response line lost the id", line);
  alc::fuzz::require(parsed.value().at("error").at("code") == alc::cli::bad_request,
                     "response line lost the code", line);
}

struct accepted_checker {
  void operator()(const alc::cli::spawn_request& op) const {
    // The registry plans every spec it spawns; a refusal is invalid_spec.
    const auto plan = alc::plan_session(op.spec);
    if (!plan) {
      alc::fuzz::require(!plan.error().message.empty(), "plan_session", "no message");
    }
  }
  void operator()(const alc::cli::resume_request& op) const {
    (void)alc::to_json_text(alc::to_json_value(op.payload));
  }
  void operator()(const alc::cli::cancel_request& op) const {
    (void)alc::to_json_text(alc::to_json_value(op.reason));
  }
  void operator()(const alc::cli::session_request&) const {}
  void operator()(const alc::cli::registry_request&) const {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  // serve reads with std::getline: a line never holds '\n'.
  if (line.find('\n') != std::string::npos) return -1;
  if (alc::cli::is_blank_line(line)) return 0;
  const auto decoded = alc::cli::read_request(line);
  if (const auto* problem = std::get_if<alc::cli::rejection>(&decoded)) {
    check_response(*problem);
    return 0;
  }
  const auto& req = std::get<alc::cli::request>(decoded);
  alc::fuzz::require(req.id.is_string() || req.id.is_number_integer(), "request",
                     "accepted an id that is neither a string nor an integer");
  std::visit(accepted_checker{}, req.op);
  return 0;
}
