#pragma once
// Answering a pause: one resume payload for all of its queries.

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "messages/execution_state.hpp"
#include "messages/llm_query.hpp"
#include "messages/resume_payload.hpp"

namespace alc {

/// The payload that resumes a pause of `kind` with `responses`, one per
/// query in prompt order: a single_payload for a single pause (its one
/// response), a batch_payload otherwise.
inline resume_payload resume_payload_for(pause_kind kind, std::vector<query_response> responses) {
  if (kind == pause_kind::single) return single_payload{std::move(responses.at(0))};
  return batch_payload{std::move(responses)};
}

/// Answers every query of `pause` with `respond(query)`, in prompt order.
/// `respond` returns a query_response, and answer_all the resume payload;
/// or it returns std::optional<query_response> (nullopt: no answer), and
/// answer_all an optional payload, empty at the first unanswered query.
template <class Respond>
auto answer_all(const pause_info& pause, Respond&& respond) {
  using answer = std::invoke_result_t<Respond&, const llm_query&>;
  std::vector<query_response> responses;
  responses.reserve(pause.prompts.size());
  if constexpr (std::is_same_v<answer, std::optional<query_response>>) {
    for (const auto& query : pause.prompts) {
      auto response = respond(query);
      if (!response) return std::optional<resume_payload>{};
      responses.push_back(std::move(*response));
    }
    return std::optional<resume_payload>{resume_payload_for(pause.kind, std::move(responses))};
  } else {
    static_assert(std::is_convertible_v<answer, query_response>,
                  "respond(query) must return a query_response or an optional one");
    for (const auto& query : pause.prompts) responses.push_back(respond(query));
    return resume_payload_for(pause.kind, std::move(responses));
  }
}

}  // namespace alc
