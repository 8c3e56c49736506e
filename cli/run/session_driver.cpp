#include "cli/run/session_driver.hpp"

#include <ostream>

#include <alc/alc.hpp>

#include "cli/interrupt.hpp"
#include "cli/run/event_queue.hpp"

namespace alc::cli {
namespace {

void show_activity(std::ostream& out, const session_event& event) {
  if (const auto* log = std::get_if<log_event>(&event.body)) {
    out << "[" << log->level << "] " << log->message << '\n';
  } else if (const auto* progress = std::get_if<progress_event>(&event.body)) {
    out << "[progress " << progress->step << "/" << progress->total << "]";
    if (progress->message) out << ' ' << *progress->message;
    out << '\n';
  }
}

/// Answers every query of a pause; false (with `error`) when the responder has no answer.
bool answer_pause(const client& c, const std::string& id, const pause_info& info,
                  responder& answers, std::string& error) {
  auto payload =
      answer_all(info, [&](const llm_query& query) { return answers.answer(query, error); });
  if (!payload) return false;
  auto resumed = c.resume(id, std::move(*payload));
  if (!resumed) {
    error = describe(resumed.error());
    return false;
  }
  return true;
}

}  // namespace

drive_result drive_session(cli_runtime& rt, session_spec spec, responder& answers,
                           const drive_options& options, std::ostream& events) {
  drive_result result;
  event_queue queue;
  auto spawned = rt.client().spawn_subscribed(
      std::move(spec), [&queue](const session_event& event) { queue.push(event); });
  if (!spawned) {
    result.error = describe(spawned.error());
    return result;
  }
  const std::string id = spawned->first.id;
  take_interrupt();  // a Ctrl-C from before this session is not meant for it
  for (;;) {
    if (take_interrupt()) {
      rt.client().cancel(id, cancel_reason{cancel_code::user, "interrupted (Ctrl-C)", 0});
    }
    auto event = queue.pop(std::chrono::milliseconds{50});
    if (!event) continue;
    if (options.print_events) {
      events << to_json_text(to_json_value(*event)) << '\n' << std::flush;
    } else if (options.print_activity) {
      show_activity(events, *event);
    }
    if (const auto* pause = std::get_if<pause_requested_event>(&event->body)) {
      std::string error;
      if (!answer_pause(rt.client(), id, pause->info, answers, error)) {
        events << "error: " << error << '\n';
        rt.client().cancel(id, cancel_reason{cancel_code::user, error, 0});
      }
    }
    if (std::holds_alternative<closed_event>(event->body)) break;
  }
  auto outcome = rt.client().await(id, std::chrono::seconds{10});
  if (outcome) {
    result.outcome = std::move(*outcome);
  } else {
    result.error = describe(outcome.error());
  }
  return result;
}

}  // namespace alc::cli
