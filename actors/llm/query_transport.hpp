#pragma once
// Internal to the LLM responder: a prompt in, an attempt's outcome out,
// whatever carries it (HTTP through a provider, or a child process).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/llm/attempt.hpp"
#include "alc/llm_responder.hpp"
#include "messages/llm_query.hpp"

namespace alc::llm {

class query_transport {
 public:
  struct finished {
    uint64_t job = 0;
    attempt_outcome outcome;
  };
  virtual ~query_transport() = default;
  /// Starts one attempt at `query` as `job`; never blocks.
  virtual void submit(uint64_t job, const llm_query& query) = 0;
  /// Stops `job`'s attempt (closes its connection, kills its process); it
  /// will not be reported.
  virtual void abort(uint64_t job) = 0;
  /// The attempts finished since the last call.
  virtual std::vector<finished> take_finished() = 0;
};

/// The transport of `endpoint` (defaults filled in). `ready` runs on the
/// transport's own thread when finished attempts wait to be taken.
std::unique_ptr<query_transport> make_query_transport(const llm_endpoint& endpoint,
                                                      std::string api_key,
                                                      std::function<void()> ready);

}  // namespace alc::llm
