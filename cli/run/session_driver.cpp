#include "cli/run/session_driver.hpp"

#include <chrono>
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

/// The responder's progress line, shown while a session runs: redrawn in
/// place on a terminal, else printed when it changes (at most once a second).
class progress_line {
 public:
  progress_line(const responder& answers, const drive_options& options)
      : answers_(answers), options_(options) {}
  ~progress_line() {
    if (drawn_ && options_.progress_on_terminal) *options_.progress_out << '\n' << std::flush;
  }

  void tick() {
    if (!options_.show_progress || options_.progress_out == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    const auto every = options_.progress_on_terminal ? std::chrono::milliseconds{200}
                                                     : std::chrono::milliseconds{1000};
    if (now - last_ < every) return;
    last_ = now;
    const std::string line = answers_.progress();
    if (line.empty() || line == shown_) return;
    shown_ = line;
    auto& out = *options_.progress_out;
    if (options_.progress_on_terminal) {
      out << "\r\033[K" << line << std::flush;
    } else {
      out << line << '\n' << std::flush;
    }
    drawn_ = true;
  }

 private:
  const responder& answers_;
  const drive_options& options_;
  std::chrono::steady_clock::time_point last_{};
  std::string shown_;
  bool drawn_ = false;
};

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
  std::string error;
  // A model responder watches the session itself (a pause it missed is in
  // its snapshot); the driver answers for the others.
  const bool answered_elsewhere = answers.take_session(id, error);
  if (!error.empty()) {
    events << "error: " << error << '\n';
    rt.client().cancel(id, cancel_reason{cancel_code::user, error, 0});
  }
  take_interrupt();  // a Ctrl-C from before this session is not meant for it
  progress_line progress(answers, options);
  for (;;) {
    if (take_interrupt()) {
      rt.client().cancel(id, cancel_reason{cancel_code::user, "interrupted (Ctrl-C)", 0});
    }
    progress.tick();
    auto event = queue.pop(std::chrono::milliseconds{50});
    if (!event) continue;
    if (options.print_events) {
      events << to_json_text(to_json_value(*event)) << '\n' << std::flush;
    } else if (options.print_activity) {
      show_activity(events, *event);
    }
    const auto* pause = std::get_if<pause_requested_event>(&event->body);
    if (pause != nullptr && !answered_elsewhere) {
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
