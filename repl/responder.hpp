#pragma once
// Who answers a session's LLM queries when the CLI drives it.

#include <fstream>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "messages/llm_query.hpp"
#include "messages/resume_payload.hpp"

namespace alc::cli {

class responder {
 public:
  virtual ~responder() = default;
  /// The answer to `query`; nullopt when there is none, with the reason in `error`.
  virtual std::optional<query_response> answer(const llm_query& query, std::string& error) = 0;
  /// The mode as given (`echo`, `human`, `script:FILE`).
  virtual std::string name() const = 0;
};

/// Answers with the prompt's own text.
class echo_responder final : public responder {
 public:
  std::optional<query_response> answer(const llm_query& query, std::string& error) override;
  std::string name() const override { return "echo"; }
};

/// Answers in order from a JSON-lines file of {"response": ..., "usage": {...}}.
class script_responder final : public responder {
 public:
  explicit script_responder(std::string path);
  bool ok() const { return static_cast<bool>(file_); }
  std::optional<query_response> answer(const llm_query& query, std::string& error) override;
  std::string name() const override { return "script:" + path_; }

 private:
  std::string path_;
  std::ifstream file_;
  std::size_t line_ = 0;
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

/// Builds the responder for `mode`; null with `error` set for a bad mode.
std::unique_ptr<responder> make_responder(std::string_view mode, std::istream& in,
                                          std::ostream& out, std::string& error);

/// Shows a query the way a person reads it (used by human mode and the REPL).
void show_query(std::ostream& out, const llm_query& query);

}  // namespace alc::cli
