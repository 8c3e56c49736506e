// JSON codecs of query_response, resume_payload and resume_outcome
// (messages/resume_payload.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace {

using json = nlohmann::json;

// The `"status"` tag of a resume_outcome alternative.
enum class resume_status { continued, accepted };
constexpr auto resume_status_names = make_name_table<resume_status>(
    {{resume_status::continued, "continued"}, {resume_status::accepted, "accepted"}});

// A payload's `"payload_kind"` names the pause it answers.
json encode(const single_payload& single) {
  json out = to_json_value(single.answer);
  out["payload_kind"] = to_string(pause_kind::single);
  return out;
}

json encode(const batch_payload& batch) {
  json responses = json::array();
  for (const auto& response : batch.responses) responses.push_back(to_json_value(response));
  return {{"payload_kind", to_string(pause_kind::batch)}, {"responses", std::move(responses)}};
}

json encode(const resume_continued&) {
  return {{"status", resume_status_names.name(resume_status::continued)}};
}

json encode(const resume_accepted& accepted) {
  return {{"status", resume_status_names.name(resume_status::accepted)},
          {"remaining", accepted.remaining}};
}

// Reads `query_id`, `response`, `usage` and `error` from `r`, which is
// either a query_response object or a flat `single` payload. An answer
// with an error needs no `response`.
query_response read_response_fields(const json_reader& r) {
  query_response response;
  response.query_id = r.field("query_id").string();
  response.error = r.field("error").optional_string();
  if (!response.error || !r.field("response").absent()) {
    response.response = r.field("response").string();
  }
  response.usage = codec::read_reported_usage(r.field("usage"));
  return response;
}

query_response read_query_response(const json_reader& r) {
  if (!r.object()) return {};
  return read_response_fields(r);
}

resume_payload read_resume_payload(const json_reader& r) {
  if (!r.object()) return single_payload{};
  const auto kind = r.field("payload_kind").name_in(pause_kind_names, "payload kind");
  if (!kind) return single_payload{};
  switch (*kind) {
    case pause_kind::single:
      return single_payload{read_response_fields(r)};
    case pause_kind::batch:
      return batch_payload{r.field("responses").array<query_response>(read_query_response)};
  }
  return single_payload{};
}

resume_outcome read_resume_outcome(const json_reader& r) {
  if (!r.object()) return resume_continued{};
  const auto status = r.field("status").name_in(resume_status_names, "resume status");
  if (!status) return resume_continued{};
  switch (*status) {
    case resume_status::continued:
      return resume_continued{};
    case resume_status::accepted:
      return resume_accepted{static_cast<std::size_t>(r.field("remaining").count())};
  }
  return resume_continued{};
}

}  // namespace

json to_json_value(const query_response& response) {
  json out = {{"query_id", response.query_id},
              {"response", response.response},
              {"usage", codec::optional_json(response.usage)}};
  if (response.error) out["error"] = *response.error;  // only failed answers carry the key
  return out;
}

json to_json_value(const resume_payload& payload) {
  return std::visit([](const auto& p) { return encode(p); }, payload);
}

json to_json_value(const resume_outcome& outcome) {
  return std::visit([](const auto& o) { return encode(o); }, outcome);
}

template <>
decoded<query_response> from_json_value<query_response>(const json& document) {
  return read_json<query_response>(document, read_query_response);
}

template <>
decoded<resume_payload> from_json_value<resume_payload>(const json& document) {
  return read_json<resume_payload>(document, read_resume_payload);
}

template <>
decoded<resume_outcome> from_json_value<resume_outcome>(const json& document) {
  return read_json<resume_outcome>(document, read_resume_outcome);
}

}  // namespace alc
