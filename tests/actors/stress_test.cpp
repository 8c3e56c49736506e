#include <caf/all.hpp>

#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;

namespace {

CAF_PUSH_WARNINGS
struct driver_state {
  std::size_t closed = 0;
  std::size_t failures = 0;
};
CAF_POP_WARNINGS

/// Spawns `count` sessions, subscribes to each, answers every prompt it sees
/// (from a snapshot or a pause_requested event), and reports to `observer`
/// once every session has closed.
caf::behavior responder(caf::stateful_actor<driver_state>* self, registry_handle registry,
                        std::size_t count, caf::actor observer) {
  auto answer = [self, registry](const std::string& id, const pause_info& info) {
    batch_payload batch;
    for (const auto& q : info.prompts) batch.responses.push_back({q.query_id, "ok", std::nullopt});
    resume_payload payload = info.kind == pause_kind::batch
                                 ? resume_payload{std::move(batch)}
                                 : resume_payload{single_payload{std::move(batch.responses[0])}};
    // Through the registry: events may arrive before our spawn reply does.
    self->request(registry, caf::infinite, resume_atom_v, id, std::move(payload))
        .then([](const resume_outcome&) {}, [self](caf::error&) { ++self->state.failures; });
  };
  for (std::size_t i = 0; i < count; ++i) {
    // Subscribed at spawn: no event is missed, however long the spawn
    // reply takes under load.
    self->request(registry, caf::infinite, spawn_atom_v,
                  run_spec_of("for i = 1, 3 do alc.llm('question ' .. i) end return 'done'"),
                  caf::actor{self})
        .then([](const std::string&, const session_handle&) {},
              [self](caf::error&) { ++self->state.failures; });
  }
  return {
      [self, answer, count, observer](event_atom, const std::string& id,
                                      const session_event& event) {
        if (const auto* snap = std::get_if<snapshot_event>(&event.body)) {
          if (const auto* paused = std::get_if<paused_state>(&snap->state))
            answer(id, paused->info);
        } else if (const auto* pause = std::get_if<pause_requested_event>(&event.body)) {
          answer(id, pause->info);
        } else if (std::holds_alternative<closed_event>(event.body)) {
          if (++self->state.closed == count) {
            self->send(observer, self->state.closed, self->state.failures);
            self->quit();
          }
        }
      },
      [](caf::ok_atom) {},
  };
}

}  // namespace

TEST_CASE("10,000 concurrent sessions with 3 llm round trips each all finish and are swept",
          "[stress]") {
  auto options = fast_options();
  options.ttl = 2s;
  options.sweep_interval = 500ms;
  test_runtime rt(options);
  constexpr std::size_t sessions = 10'000;
  caf::scoped_actor observer{rt.system()};
  auto driver =
      rt.system().spawn(responder, rt.runtime().registry(), sessions, caf::actor{observer});
  bool finished = false;
  observer->receive(
      [&](std::size_t closed, std::size_t failures) {
        finished = true;
        CHECK(closed == sessions);
        CHECK(failures == 0);
      },
      caf::after(std::chrono::minutes{5}) >> [] {});
  if (!finished) {
    caf::anon_send_exit(driver, caf::exit_reason::user_shutdown);  // or shutdown would wait
    FAIL("sessions did not finish in 5 minutes");
  }

  auto list = rt.client().list();
  REQUIRE(list);
  std::size_t done = 0;
  for (const auto& summary : *list) {
    if (summary.state == "done" && summary.metrics.llm_calls == 3) ++done;
  }
  CHECK(done == sessions);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes{2};
  int64_t live = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    auto stats = rt.client().stats();
    REQUIRE(stats);
    live = stats->live;
    if (live == 0) break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK(live == 0);
}
