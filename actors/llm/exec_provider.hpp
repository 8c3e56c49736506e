#pragma once
// Internal to the LLM responder: the exec provider's protocol, as pure
// functions. One process per prompt: the query's JSON (the `prompts[i]`
// shape of docs/protocol.md) and a newline on stdin; the answer on stdout.

#include <string>

#include "actors/llm/attempt.hpp"
#include "messages/llm_query.hpp"

namespace alc::llm {

/// What the child gets on stdin.
std::string exec_input(const llm_query& query);

/// How a child ended.
struct exit_status {
  bool exited = true;  ///< false: killed by `code` as a signal
  int code = 0;
};

/// Exit status 75 (EX_TEMPFAIL) asks for a retry.
inline constexpr int exec_retry_status = 75;

/// A child's result: on exit status 0, stdout is the answer — a JSON object
/// with a string `response` (and optional `usage`) is read as one, anything
/// else is the answer verbatim without one trailing newline. Otherwise a
/// failure quoting the end of stderr.
attempt_outcome exec_answer(exit_status status, const std::string& out, const std::string& err);

}  // namespace alc::llm
