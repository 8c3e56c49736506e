#pragma once

#include "cli/repl/line_editor.hpp"
#include "cli/responders/responder.hpp"

namespace alc::cli {

/// The person at the REPL's terminal answers, through the line editor
/// (Ctrl-C abandons the answer).
class terminal_responder final : public responder {
 public:
  explicit terminal_responder(line_editor& editor) : editor_(editor) {}
  std::optional<query_response> answer(const llm_query& query, std::string& error) override;
  std::string name() const override { return "human"; }

 private:
  line_editor& editor_;
};

}  // namespace alc::cli
