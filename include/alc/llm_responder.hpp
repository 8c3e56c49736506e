#pragma once
// Sessions answered by a real model: an actor that watches sessions and,
// for every pause, asks an endpoint once per prompt and resumes the session
// with the answer and the usage the server reports.
//
//   openai     POST {base_url}/chat/completions (OpenAI, vLLM, llama.cpp's
//              server, ollama, most gateways)
//   anthropic  POST {base_url}/v1/messages (Anthropic's Messages API)
//   exec       runs `command` with /bin/sh -c once per prompt: the query as
//              JSON on stdin, the answer on stdout
//
// HTTP runs on libcurl's multi interface and child processes on poll(), each
// on one I/O thread the responder owns, so no CAF worker ever waits on the
// network. docs/responders.md describes the behaviour in full.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "alc/handles.hpp"

namespace alc {

enum class llm_provider { openai, anthropic, exec };

/// `openai`, `anthropic`, `exec`.
std::string_view to_string(llm_provider provider);
std::optional<llm_provider> parse_llm_provider(std::string_view name);

/// Where and how to ask. The defaults suit a hosted API; a local server
/// needs `base_url` (and whatever `model` it expects).
struct llm_endpoint {
  llm_provider provider = llm_provider::openai;
  /// Empty: https://api.openai.com/v1 (openai), https://api.anthropic.com (anthropic).
  std::string base_url;
  /// The model name sent with each request; required by anthropic, left
  /// out of openai requests when empty (llama.cpp's server needs none).
  std::string model;
  /// exec: the command line, run with /bin/sh -c once per prompt.
  std::string command;
  /// The environment variable holding the API key; empty: OPENAI_API_KEY or
  /// ANTHROPIC_API_KEY. Read once when the responder starts; never logged.
  /// Unset or empty: no key is sent (local servers need none).
  std::string api_key_env;
  std::optional<double> temperature;  ///< sent when set
  std::string anthropic_version = "2023-06-01";
  std::size_t max_concurrency = 8;  ///< requests (or processes) in flight at once
  std::chrono::milliseconds timeout = std::chrono::seconds{120};  ///< per attempt
  /// Further attempts after a connection error, a timeout, HTTP 408, 429 or
  /// 5xx (exec: a timeout, or exit status 75); other failures are final.
  int retries = 3;
  /// The first retry waits about this long (half of it plus up to as much
  /// again at random), each next one twice as long, at most max_backoff. A
  /// server's Retry-After (or retry-after-ms) replaces the computed wait; one
  /// longer than max_backoff ends the retries instead.
  std::chrono::milliseconds backoff = std::chrono::milliseconds{500};
  std::chrono::milliseconds max_backoff = std::chrono::seconds{30};
  std::size_t max_response_bytes = std::size_t{16} << 20;  ///< larger bodies are an error
};

/// The endpoint with the provider's defaults filled in (base_url, api_key_env).
llm_endpoint with_defaults(llm_endpoint endpoint);
/// Why `endpoint` cannot work (no model for anthropic, no command for exec, a
/// base URL that is not http(s), a zero limit ...), or nullopt.
std::optional<std::string> check_endpoint(const llm_endpoint& endpoint);
/// `openai endpoint http://127.0.0.1:8080/v1`, `exec endpoint 'python3 b.py'`:
/// how errors and progress name it.
std::string endpoint_label(const llm_endpoint& endpoint);

/// Reads an endpoint from a TOML document over `base`: keys provider,
/// base_url, model, command, api_key_env, temperature, anthropic_version,
/// max_concurrency, timeout_ms, retries, backoff_ms, max_backoff_ms,
/// max_response_bytes. An unknown key or a value of the wrong type is an
/// error naming it. The result is not checked (flags may still complete
/// it): check_endpoint says whether it can work.
std::variant<llm_endpoint, std::string> read_llm_endpoint(std::string_view toml_text,
                                                          llm_endpoint base = {});

/// What a responder has done so far (for progress displays).
struct llm_responder_stats {
  uint64_t queued = 0;       ///< waiting for a free slot
  uint64_t in_flight = 0;    ///< requests (or processes) running now
  uint64_t backing_off = 0;  ///< waiting to be retried
  uint64_t done = 0;         ///< answered
  uint64_t failed = 0;       ///< given up on: the script got an error
  uint64_t retried = 0;      ///< retries started or scheduled
  uint64_t aborted = 0;      ///< dropped because their session ended (cancel)
  uint64_t sessions = 0;     ///< sessions watched now

  friend bool operator==(const llm_responder_stats& a, const llm_responder_stats& b) {
    return a.queued == b.queued && a.in_flight == b.in_flight && a.backing_off == b.backing_off &&
           a.done == b.done && a.failed == b.failed && a.retried == b.retried &&
           a.aborted == b.aborted && a.sessions == b.sessions;
  }
};

/// `2 in flight, 5 queued, 10 done, 1 retried, 0 failed`.
std::string describe(const llm_responder_stats& stats);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_responder_stats& x) {
  return f(caf::meta::type_name("alc.llm_responder_stats"), x.queued, x.in_flight, x.backing_off,
           x.done, x.failed, x.retried, x.aborted, x.sessions);
}

}  // namespace alc

CAF_BEGIN_TYPE_ID_BLOCK(alc_llm, caf::id_block::alc_handles::end)
CAF_ADD_TYPE_ID(alc_llm, (alc::llm_responder_stats))
/// (watch_atom, session id): subscribe to that session and answer its pauses.
CAF_ADD_ATOM(alc_llm, alc, watch_atom, "watch")
// Internal signals: the transport has results; a retry's wait is over.
CAF_ADD_ATOM(alc_llm, alc, llm_ready_atom, "llm_ready")
CAF_ADD_ATOM(alc_llm, alc, llm_retry_atom, "llm_retry")
CAF_END_TYPE_ID_BLOCK(alc_llm)

namespace alc {

/// The responder's message contract. It is also a subscriber: pass it
/// (caf::actor_cast<caf::actor>) to `(spawn_atom, spec, subscriber)` or
/// `(subscribe_atom, id, subscriber)` and it answers that session — or send
/// it `(watch_atom, id)` and it subscribes itself. It answers each pause it
/// sees (also one found in the `snapshot` of a late subscription), aborts a
/// session's requests when the session ends or is cancelled, and stops when
/// the last handle to it is gone (or on an exit message), aborting
/// everything in flight.
using llm_responder_handle =
    caf::typed_actor<caf::replies_to<watch_atom, std::string>::with<caf::ok_atom>,
                     caf::reacts_to<event_atom, std::string, session_event>,
                     caf::replies_to<stats_atom>::with<llm_responder_stats>>;

/// Spawns a responder for `endpoint` (defaults filled in, checked first:
/// an endpoint check_endpoint refuses is a `caf::sec::invalid_argument`
/// error with its reason). Resumes go through `registry`.
caf::expected<llm_responder_handle> spawn_llm_responder(caf::actor_system& system,
                                                        registry_handle registry,
                                                        llm_endpoint endpoint);

/// A responder owned by code that is not an actor (the CLI, tests): blocking
/// calls like alc::client's; destroying it stops the actor.
class llm_responder {
 public:
  static caf::expected<llm_responder> start(caf::actor_system& system, registry_handle registry,
                                            llm_endpoint endpoint);
  ~llm_responder();
  llm_responder(llm_responder&& other) noexcept;
  llm_responder& operator=(llm_responder&& other) noexcept;
  llm_responder(const llm_responder&) = delete;
  llm_responder& operator=(const llm_responder&) = delete;

  /// Subscribes the responder to session `id` and returns once it is (an
  /// unknown id is the registry's `not_found`).
  caf::error watch(const std::string& id) const;
  caf::expected<llm_responder_stats> stats() const;
  const llm_responder_handle& handle() const { return handle_; }
  const llm_endpoint& endpoint() const { return endpoint_; }

 private:
  llm_responder(caf::actor_system& system, llm_responder_handle handle, llm_endpoint endpoint);
  void stop();

  caf::actor_system* system_ = nullptr;
  llm_responder_handle handle_;
  llm_endpoint endpoint_;
};

}  // namespace alc
