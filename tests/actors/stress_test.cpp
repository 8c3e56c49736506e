#include <caf/all.hpp>

#include "tests/actors/runtime_test_support.hpp"

using namespace alc;
using namespace alc::test;

namespace {

CAF_PUSH_WARNINGS
struct driver_state {
  std::size_t closed = 0;
  std::size_t replies = 0;  ///< spawn replies, which may come after the close
  std::size_t failures = 0;
};
struct watcher_state {
  std::size_t gone = 0;
};
CAF_POP_WARNINGS

using swept_atom = caf::atom_constant<caf::atom("swept")>;

/// Monitors every session actor it is sent and tells `observer`
/// (swept_atom, count) once `count` of them have quit: an evicted session
/// actor quits, so this is the sweep's end, seen without polling. It never
/// subscribes, so it keeps no session alive.
caf::behavior eviction_watcher(caf::stateful_actor<watcher_state>* self, std::size_t count,
                               caf::actor observer) {
  self->set_down_handler([self, count, observer](caf::down_msg&) {
    if (++self->state.gone == count) {
      self->send(observer, swept_atom::value, self->state.gone);
      self->quit();
    }
  });
  return {
      [self](const caf::actor& session) { self->monitor(session); },
  };
}

/// Spawns `count` sessions, subscribes to each, answers every prompt it sees
/// (from a snapshot or a pause_requested event), and reports to `observer`
/// once every session has closed (and sent `watcher` every session actor).
caf::behavior responder(caf::stateful_actor<driver_state>* self, registry_handle registry,
                        std::size_t count, caf::actor observer, caf::actor watcher) {
  auto finish_if_done = [self, count, observer] {
    if (self->state.closed == count && self->state.replies == count) {
      self->send(observer, self->state.closed, self->state.failures);
      self->quit();
    }
  };
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
        .then(
            [self, watcher, finish_if_done](const std::string&, const session_handle& session) {
              self->send(watcher, caf::actor_cast<caf::actor>(session));
              ++self->state.replies;
              finish_if_done();
            },
            [self, finish_if_done](caf::error&) {
              ++self->state.failures;
              ++self->state.replies;
              finish_if_done();
            });
  }
  return {
      [answer, finish_if_done, self](event_atom, const std::string& id,
                                     const session_event& event) {
        if (const auto* snap = std::get_if<snapshot_event>(&event.body)) {
          if (const auto* paused = std::get_if<paused_state>(&snap->state))
            answer(id, paused->info);
        } else if (const auto* pause = std::get_if<pause_requested_event>(&event.body)) {
          answer(id, pause->info);
        } else if (std::holds_alternative<closed_event>(event.body)) {
          ++self->state.closed;
          finish_if_done();
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
  auto watcher = rt.system().spawn(eviction_watcher, sessions, caf::actor{observer});
  auto driver = rt.system().spawn(responder, rt.runtime().registry(), sessions,
                                  caf::actor{observer}, watcher);
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
    caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
    FAIL("sessions did not finish in 5 minutes");
  }

  auto list = rt.client().list();
  REQUIRE(list);
  std::size_t done = 0;
  for (const auto& summary : *list) {
    if (summary.state == "done" && summary.metrics.llm_calls == 3) ++done;
  }
  CHECK(done == sessions);

  std::size_t swept = 0;
  observer->receive([&](swept_atom, std::size_t gone) { swept = gone; },
                    caf::after(std::chrono::minutes{2}) >> [] {});
  if (swept != sessions) caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  CHECK(swept == sessions);
  // Every session left the table before it was told to go.
  auto stats = rt.client().stats();
  REQUIRE(stats);
  CHECK(stats->live == 0);
  CHECK(stats->evicted == static_cast<int64_t>(sessions));
}
