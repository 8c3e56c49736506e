#pragma once
// An LLM stand-in actor: subscribes to one session and answers every prompt
// it pauses with, through the registry, as a real driver would.

#include <functional>
#include <string>

#include <caf/all.hpp>

#include "messages/wire.hpp"

namespace alc::test {

using answer_fn = std::function<std::string(const llm_query&)>;

/// Answers each query with `answer(query)`; when the session closes, sends
/// (std::string id, std::size_t answered) to `observer` and quits.
inline caf::behavior scripted_responder(caf::event_based_actor* self, alc::registry_handle registry,
                                        std::string id, answer_fn answer, caf::actor observer) {
  auto answered = std::make_shared<std::size_t>(0);
  auto respond = [=](const pause_info& info) {
    batch_payload batch;
    for (const auto& q : info.prompts)
      batch.responses.push_back({q.query_id, answer(q), std::nullopt});
    *answered += info.prompts.size();
    resume_payload payload = info.kind == pause_kind::batch
                                 ? resume_payload{std::move(batch)}
                                 : resume_payload{single_payload{std::move(batch.responses[0])}};
    self->request(registry, caf::infinite, resume_atom_v, id, std::move(payload))
        .then([](const resume_outcome&) {}, [](caf::error&) {});
  };
  self->request(registry, caf::infinite, subscribe_atom_v, id, caf::actor{self})
      .then([](caf::ok_atom) {}, [self](caf::error&) { self->quit(); });
  return {
      [=](event_atom, const std::string&, const session_event& event) {
        if (const auto* snap = std::get_if<snapshot_event>(&event.body)) {
          if (const auto* paused = std::get_if<paused_state>(&snap->state)) respond(paused->info);
        } else if (const auto* pause = std::get_if<pause_requested_event>(&event.body)) {
          respond(pause->info);
        } else if (std::holds_alternative<closed_event>(event.body)) {
          self->send(observer, id, *answered);
          self->quit();
        }
      },
  };
}

}  // namespace alc::test
