#pragma once

#include <cstddef>
#include <fstream>

#include "cli/responders/responder.hpp"

namespace alc::cli {

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

}  // namespace alc::cli
