#include "cli/mcp/mcp_command.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <alc/alc.hpp>
#include <caf/all.hpp>

#include "cli/mcp/answerer.hpp"
#include "cli/mcp/http_transport.hpp"
#include "cli/mcp/hub.hpp"
#include "cli/responders/make_responder.hpp"
#include "cli/serve/line_writer.hpp"

namespace alc::cli {
namespace {

using namespace alc::cli::mcp;

/// stdio has one connection; routes do not matter on one stream.
constexpr uint64_t stdio_connection = 1;

class stdio_channel final : public outbound_channel {
 public:
  explicit stdio_channel(std::ostream& out) : writer_(out) {}
  void send(std::string message, const route&) override { writer_.write(std::move(message)); }

 private:
  line_writer writer_;
};

/// `600`, `600s`, `500ms`, `10min`, `2h`.
std::chrono::milliseconds parse_limit(const std::string& text) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    throw std::runtime_error("--wait-limit: '" + text + "' is not a duration (e.g. 600s, 10min)");
  }
  const std::string unit = text.substr(used);
  if (value <= 0) throw std::runtime_error("--wait-limit must be positive");
  if (unit.empty() || unit == "s") return std::chrono::seconds{value};
  if (unit == "ms") return std::chrono::milliseconds{value};
  if (unit == "min") return std::chrono::minutes{value};
  if (unit == "h") return std::chrono::hours{value};
  throw std::runtime_error("--wait-limit: unknown unit '" + unit + "' (ms, s, min, h)");
}

std::string user_packages_dir(const std::vector<std::string>& roots) {
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.algocline/packages";
  // No home: the first root, so that links and installs are still found.
  return roots.empty() ? std::string("alc-packages") : roots.front();
}

hub_settings make_settings(const cli_runtime& rt, const runtime_flags& flags,
                           const mcp_options& options) {
  const runtime_options runtime = read_runtime_options(rt.config());
  hub_settings settings;
  settings.identity = {
      "alc", ALC_VERSION,
      "alc runs Lua LLM strategies as sessions. alc_run / alc_advice run until the "
      "first prompt (needs_response: answer it with alc_continue) or the end "
      "(completed). alc_v2_* drive background sessions; alc_status shows live "
      "ones; alc_pkg_* manage packages; alc_card_* read cards."};
  settings.answer_with_client = options.answer_with_client;
  if (!options.wait_limit.empty()) settings.wait_limit = parse_limit(options.wait_limit);
  settings.session_ttl = runtime.ttl;
  if (const char* chars = std::getenv("ALC_PROMPT_PREVIEW_CHARS")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(chars, &end, 10);
    if (end != chars && *end == '\0') settings.preview_chars = static_cast<std::size_t>(n);
  }
  settings.packages.roots = describe_roots(runtime.package_paths, flags.package_paths);
  settings.packages.packages_dir = user_packages_dir(runtime.package_paths);
  settings.logs = resolve_log_settings(options.log_dir);
  settings.state_dir = runtime.state_dir;
  settings.cards_dir = cards_directory(runtime);
  return settings;
}

int run_stdio(cli_runtime& rt, const caf::actor& hub, connection_table& table) {
  auto* const tied = std::cin.tie(nullptr);  // cout's flush would race the CAF threads
  table.add(stdio_connection, std::make_shared<stdio_channel>(std::cout));
  std::string line;
  while (std::getline(std::cin, line)) {
    if (is_blank(line)) continue;
    caf::anon_send(hub, message_atom::value, stdio_connection, line);
  }
  // End of input: the client is gone. Its calls end, then every session.
  caf::scoped_actor self{rt.system()};
  self->request(hub, std::chrono::seconds{5}, hangup_atom::value, stdio_connection)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  rt.runtime().shutdown();
  self->send_exit(hub, caf::exit_reason::user_shutdown);
  self->wait_for(hub);
  table.remove(stdio_connection);
  std::cin.tie(tied);
  return 0;
}

}  // namespace

int run_mcp(const runtime_flags& flags, const mcp_options& options) {
  // A client that goes away must not kill us before sessions are cancelled.
  std::signal(SIGPIPE, SIG_IGN);
  cli_runtime rt(flags);
  auto table = std::make_shared<connection_table>();
  auto settings = make_settings(rt, flags, options);
  // A model endpoint's actor answers the sessions it is subscribed to by
  // itself; it lives as long as the server.
  std::optional<llm_responder> model;
  if (is_model_mode(options.responder)) {
    std::string error;
    auto endpoint = model_endpoint(options.responder, options.model, error);
    if (!endpoint) throw std::runtime_error("--responder: " + error);
    auto started = llm_responder::start(rt.system(), rt.runtime().registry(), std::move(*endpoint));
    if (!started) throw std::runtime_error("--responder: " + describe(started.error()));
    model.emplace(std::move(*started));
    settings.answerer = caf::actor_cast<caf::actor>(model->handle());
  } else if (!options.responder.empty()) {
    // stdin belongs to the protocol (or to nobody): no person answers here.
    if (options.responder == "human") {
      throw std::runtime_error("--responder human cannot share stdio with MCP");
    }
    std::string error;
    std::shared_ptr<responder> answers =
        make_responder(options.responder, options.model, rt, std::cin, std::cerr, error);
    if (!answers) throw std::runtime_error("--responder: " + error);
    settings.answerer = spawn_answerer(rt.system(), rt.runtime().registry(), std::move(answers));
  }
  auto hub = spawn_hub(rt.system(), rt.runtime().registry(), table, std::move(settings));
  if (!options.http) return run_stdio(rt, hub, *table);
  const int status =
      serve_http(rt.system(), hub, table, {options.host, options.port, options.allowed_origins});
  rt.runtime().shutdown();
  caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
  return status;
}

}  // namespace alc::cli
