// A small CAF application that embeds alc: one actor spawns a strategy
// session, one prints its events, one plays the LLM from a table of canned
// replies (or, with ALC_EMBED_BASE_URL set, alc's LLM responder asks a real
// model); the program exits when the session is done.
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <alc/alc.hpp>
#include <caf/all.hpp>

namespace {

// --(responder-begin)--
// The LLM stand-in: answers each prompt from a table of canned replies
// (the first entry whose key occurs in the prompt), through the registry.
using canned_replies = std::vector<std::pair<std::string, std::string>>;

caf::behavior responder(caf::event_based_actor* self, alc::registry_handle registry,
                        canned_replies replies) {
  auto reply_to = [replies](const alc::llm_query& query) {
    for (const auto& [key, reply] : replies) {
      if (query.prompt.find(key) != std::string::npos) return reply;
    }
    return std::string("I do not know.");
  };
  auto answer = [self, registry, reply_to](const std::string& id, const alc::pause_info& pause) {
    auto payload = alc::answer_all(pause, [&reply_to](const alc::llm_query& query) {
      return alc::query_response{query.query_id, reply_to(query), alc::token_usage{12, 8}};
    });
    self->request(registry, caf::infinite, alc::resume_atom_v, id, std::move(payload))
        .then([](const alc::resume_outcome&) {},
              [](caf::error& error) { std::cerr << alc::describe(error) << '\n'; });
  };
  return {
      // (alc::watch_atom, id): the message alc's own LLM responder takes too.
      [self, registry](alc::watch_atom, const std::string& id) {
        self->send(registry, alc::subscribe_atom_v, id, caf::actor{self});
        return caf::ok_atom_v;
      },
      [self, answer](alc::event_atom, const std::string& id, const alc::session_event& event) {
        if (const auto* pause = std::get_if<alc::pause_requested_event>(&event.body)) {
          answer(id, pause->info);
        } else if (const auto* snapshot = std::get_if<alc::snapshot_event>(&event.body)) {
          // Subscribed after the session paused: the snapshot carries the pause.
          if (const auto* paused = std::get_if<alc::paused_state>(&snapshot->state)) {
            answer(id, paused->info);
          }
        } else if (std::holds_alternative<alc::closed_event>(event.body)) {
          self->quit();
        }
      },
      [](caf::ok_atom) {},
  };
}
// --(responder-end)--

// --(printer-begin)--
// Prints every event of the session it is subscribed to as a JSON line.
caf::behavior printer(caf::event_based_actor* self) {
  return {
      [self](alc::event_atom, const std::string& id, const alc::session_event& event) {
        std::cout << "event " << id.substr(0, 12) << "… "
                  << alc::to_json_text(alc::to_json_value(event)) << '\n';
        if (std::holds_alternative<alc::closed_event>(event.body)) self->quit();
      },
  };
}
// --(printer-end)--

// --(driver-begin)--
// Spawns the strategy session with the printer subscribed from the start,
// hands it to the responder, awaits the outcome and reports it to `main`.
caf::behavior driver(caf::event_based_actor* self, alc::registry_handle registry, caf::actor print,
                     caf::actor respond, caf::actor report_to) {
  alc::session_spec spec;
  spec.kind = alc::advice_spec{"cot", std::string("Why is the sky blue?"), nullptr};
  spec.ctx = {{"steps", 2}};
  self->request(registry, caf::infinite, alc::spawn_atom_v, std::move(spec), print)
      .then(
          [=](const std::string& id, const alc::session_handle&) {
            self->request(respond, caf::infinite, alc::watch_atom_v, id)
                .then([](caf::ok_atom) {}, [](caf::error&) {});
            self->request(registry, caf::infinite, alc::await_atom_v, id)
                .then([=](const alc::terminal_outcome& outcome) {
                  self->send(report_to, alc::to_json_text(alc::to_json_value(outcome)));
                  self->quit();
                });
          },
          [=](caf::error& error) {
            self->send(report_to, "spawn failed: " + alc::describe(error));
            self->quit();
          });
  return {};
}
// --(driver-end)--

}  // namespace

// --(main-begin)--
int main(int argc, char** argv) {
  caf::actor_system_config cfg;
  alc::configure(cfg);  // message types, the alc error category, alc.* options
  cfg.set("alc.package-paths", std::vector<std::string>{ALC_PACKAGES_DIR});
  if (auto error = cfg.parse(argc, argv)) {  // e.g. --alc.slice=5ms
    std::cerr << caf::to_string(error) << '\n';
    return 2;
  }
  caf::actor_system system{cfg};
  alc::runtime runtime{system};  // registry + state store, shut down at scope end

  const canned_replies replies = {
      {"step 1 of 2", "Sunlight holds every colour; air molecules are much smaller than light."},
      {"step 2 of 2", "Small particles scatter short (blue) wavelengths far more: Rayleigh."},
      {"final answer", "Blue light is scattered most by the air (Rayleigh scattering)."},
  };
  caf::actor respond = system.spawn(responder, runtime.registry(), replies);
  if (const char* base_url = std::getenv("ALC_EMBED_BASE_URL")) {
    // A real model instead: e.g. http://127.0.0.1:8080/v1 (llama-server) with
    // the openai provider; the key, if any, from OPENAI_API_KEY.
    alc::llm_endpoint endpoint;
    endpoint.base_url = base_url;
    endpoint.max_concurrency = 4;
    auto model = alc::spawn_llm_responder(system, runtime.registry(), endpoint);
    if (!model) {
      std::cerr << alc::describe(model.error()) << '\n';
      return 2;
    }
    respond = caf::actor_cast<caf::actor>(*model);
  }
  auto print = system.spawn(printer);
  caf::scoped_actor self{system};
  system.spawn(driver, runtime.registry(), print, respond, caf::actor{self});

  std::string outcome = "timed out";
  self->receive([&](const std::string& text) { outcome = text; },
                caf::after(std::chrono::seconds{30}) >> [] {});
  self->wait_for(print);  // the printer quits after `closed`: all events are out
  std::cout << "outcome " << outcome << '\n';
  return outcome.find("\"state\":\"done\"") != std::string::npos ? 0 : 1;
}
// --(main-end)--
