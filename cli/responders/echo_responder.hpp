#pragma once

#include "cli/responders/responder.hpp"

namespace alc::cli {

/// Answers with the prompt's own text.
class echo_responder final : public responder {
 public:
  std::optional<query_response> answer(const llm_query& query, std::string&) override {
    return query_response{query.query_id, query.prompt, std::nullopt};
  }
  std::string name() const override { return "echo"; }
};

}  // namespace alc::cli
