#include "actors/pending_answers.hpp"

#include <algorithm>

namespace alc {

void pending_answers::start(const pause_info& info) {
  kind_ = info.kind;
  ids_.clear();
  for (const auto& query : info.prompts) ids_.push_back(query.query_id);
  answers_.assign(ids_.size(), std::nullopt);
  missing_ = ids_.size();
}

void pending_answers::clear() {
  ids_.clear();
  answers_.clear();
  missing_ = 0;
}

std::optional<std::size_t> pending_answers::index_of(const std::string& query_id) const {
  // Pauses hold a handful of queries: a linear scan beats a hash map here.
  const auto it = std::find(ids_.begin(), ids_.end(), query_id);
  if (it == ids_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - ids_.begin());
}

std::variant<pending_answers::accepted, verb_error> pending_answers::accept(
    const resume_payload& payload) {
  const bool batch = std::holds_alternative<batch_payload>(payload);
  if (batch != (kind_ == pause_kind::batch)) {
    return verb_error{error_code::payload_kind_mismatch,
                      std::string("the session waits for a ") + std::string(to_string(kind_)) +
                          " answer, got a " + (batch ? "batch" : "single") + " payload",
                      std::nullopt};
  }
  std::vector<const query_response*> responses;
  if (batch) {
    for (const auto& r : std::get<batch_payload>(payload).responses) responses.push_back(&r);
    if (responses.empty()) {
      return verb_error{error_code::payload_kind_mismatch, "the batch payload has no responses",
                        std::nullopt};
    }
  } else {
    responses.push_back(&std::get<single_payload>(payload).answer);
  }

  accepted result;
  for (const query_response* response : responses) {
    const auto index = index_of(response->query_id);
    if (!index) {
      return verb_error{error_code::unknown_query,
                        "query '" + response->query_id + "' is not part of the current pause",
                        std::nullopt};
    }
    const bool repeated =
        answers_[*index].has_value() ||
        std::find(result.answered.begin(), result.answered.end(), *index) != result.answered.end();
    if (repeated) {
      return verb_error{error_code::duplicate_response,
                        "query '" + response->query_id + "' was already answered", std::nullopt};
    }
    result.answered.push_back(*index);
  }
  for (std::size_t i = 0; i < responses.size(); ++i) {
    answers_[result.answered[i]] = *responses[i];
  }
  missing_ -= responses.size();
  result.remaining = missing_;
  return result;
}

std::vector<std::string> pending_answers::take_responses() {
  std::vector<std::string> out;
  out.reserve(answers_.size());
  for (auto& answer : answers_) out.push_back(std::move(answer->response));
  clear();
  return out;
}

std::vector<query_response> pending_answers::take_answers() {
  std::vector<query_response> out;
  out.reserve(answers_.size());
  for (auto& answer : answers_) out.push_back(std::move(*answer));
  clear();
  return out;
}

}  // namespace alc
