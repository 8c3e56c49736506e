#pragma once

#include <iosfwd>

#include "cli/responders/responder.hpp"

namespace alc::cli {

/// An answer a person types as lines, ended by a line holding a single `.`.
class typed_answer {
 public:
  /// Takes one line; true when it is the `.` that ends the answer.
  bool add(const std::string& line);
  bool empty() const { return empty_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool empty_ = true;
};

/// Shows each prompt (with its system text and max_tokens) and reads the
/// answer: lines up to one holding a single `.`, or the end of input.
class human_responder final : public responder {
 public:
  human_responder(std::istream& in, std::ostream& out) : in_(in), out_(out) {}
  std::optional<query_response> answer(const llm_query& query, std::string& error) override;
  std::string name() const override { return "human"; }

 private:
  std::istream& in_;
  std::ostream& out_;
};

/// Shows a query the way a person reads it (used by human mode and the REPL).
void show_query(std::ostream& out, const llm_query& query);

}  // namespace alc::cli
