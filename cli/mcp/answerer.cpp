#include "cli/mcp/answerer.hpp"

#include <string>
#include <utility>

#include <caf/all.hpp>

namespace alc::cli::mcp {
namespace {

caf::behavior answerer(caf::event_based_actor* self, registry_handle registry,
                       std::shared_ptr<responder> answers) {
  return {
      [self, registry, answers](event_atom, const std::string& id, const session_event& event) {
        const pause_info* pause = nullptr;
        if (const auto* asked = std::get_if<pause_requested_event>(&event.body))
          pause = &asked->info;
        if (const auto* snapshot = std::get_if<snapshot_event>(&event.body)) {
          if (const auto* paused = std::get_if<paused_state>(&snapshot->state))
            pause = &paused->info;
        }
        if (pause == nullptr) return;
        std::string error;
        auto payload = answer_all(
            *pause, [&](const llm_query& query) { return answers->answer(query, error); });
        if (!payload) {
          // No answer to give: the session ends, saying why.
          cancel_reason reason{cancel_code::internal, "the responder has no answer: " + error, 0};
          self->request(registry, caf::infinite, cancel_atom_v, id, std::move(reason))
              .then([](caf::ok_atom) {}, [](caf::error&) {});
          return;
        }
        self->request(registry, caf::infinite, resume_atom_v, id, std::move(*payload))
            .then([](resume_outcome&) {},
                  [](caf::error&) {});  // a session that moved on needs nothing
      },
  };
}

}  // namespace

caf::actor spawn_answerer(caf::actor_system& system, registry_handle registry,
                          std::shared_ptr<responder> answers) {
  return system.spawn(answerer, std::move(registry), std::move(answers));
}

}  // namespace alc::cli::mcp
