#include "actors/pending_answers.hpp"

#include <algorithm>

namespace alc {

namespace {
// Up to this many queries a linear scan beats hashing (most pauses hold one).
constexpr std::size_t linear_scan_limit = 16;
}  // namespace

void pending_answers::start(const pause_info& info) {
  kind_ = info.kind;
  ids_.clear();
  index_.clear();
  for (const auto& query : info.prompts) ids_.push_back(query.query_id);
  if (ids_.size() > linear_scan_limit) {
    index_.reserve(ids_.size());
    for (std::size_t i = 0; i < ids_.size(); ++i) index_.emplace(ids_[i], i);
  }
  answers_.assign(ids_.size(), std::nullopt);
  missing_ = ids_.size();
}

void pending_answers::clear() {
  ids_.clear();
  index_.clear();
  answers_.clear();
  missing_ = 0;
}

std::optional<std::size_t> pending_answers::index_of(const std::string& query_id) const {
  if (!index_.empty()) {
    const auto found = index_.find(query_id);
    if (found == index_.end()) return std::nullopt;
    return found->second;
  }
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
  result.answered.reserve(responses.size());
  std::vector<bool> in_payload(ids_.size(), false);  // each query once per payload
  for (const query_response* response : responses) {
    const auto index = index_of(response->query_id);
    if (!index) {
      return verb_error{error_code::unknown_query,
                        "query '" + response->query_id + "' is not part of the current pause",
                        std::nullopt};
    }
    if (answers_[*index].has_value() || in_payload[*index]) {
      return verb_error{error_code::duplicate_response,
                        "query '" + response->query_id + "' was already answered", std::nullopt};
    }
    in_payload[*index] = true;
    result.answered.push_back(*index);
  }
  for (std::size_t i = 0; i < responses.size(); ++i) {
    answers_[result.answered[i]] = *responses[i];
  }
  missing_ -= responses.size();
  result.remaining = missing_;
  return result;
}

std::optional<std::pair<std::size_t, std::string>> pending_answers::first_error() const {
  for (std::size_t i = 0; i < answers_.size(); ++i) {
    if (answers_[i] && answers_[i]->error) return std::make_pair(i, *answers_[i]->error);
  }
  return std::nullopt;
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
