// JSON codec of session_spec (messages/session_spec.hpp).
#include "messages/codec_parts.hpp"

namespace alc {

namespace {

using json = nlohmann::json;

// The `"kind"` tag of a spec_kind alternative.
enum class spec_tag { run, advice };
constexpr auto spec_tag_names =
    make_name_table<spec_tag>({{spec_tag::run, "run"}, {spec_tag::advice, "advice"}});

json encode(const run_spec& run) {
  json out = {{"kind", spec_tag_names.name(spec_tag::run)}, {"code", run.code}};
  if (run.name) out["name"] = *run.name;
  return out;
}

json encode(const unsupported_spec& unsupported) {
  return {{"kind", unsupported.kind}};
}

json encode(const advice_spec& advice) {
  return {{"kind", spec_tag_names.name(spec_tag::advice)},
          {"strategy", advice.strategy},
          {"task", codec::optional_json(advice.task)},
          {"opts", advice.opts}};
}

spec_kind read_spec_kind(const json_reader& r) {
  if (!r.object()) return run_spec{};
  const json_reader tag = r.field("kind");
  const std::string name = tag.string();
  if (!r.ok()) return run_spec{};
  const auto kind = spec_tag_names.parse(name);
  if (!kind) return unsupported_spec{name};  // the registry says why it cannot run
  switch (*kind) {
    case spec_tag::run:
      return run_spec{r.field("code").string(), r.field("name").optional_string()};
    case spec_tag::advice: {
      advice_spec advice;
      advice.strategy = r.field("strategy").string();
      advice.task = r.field("task").optional_string();
      advice.opts = r.field("opts").any();
      return advice;
    }
  }
  return run_spec{};
}

session_spec read_session_spec(const json_reader& r) {
  session_spec spec;
  if (!r.object()) return spec;
  spec.kind = read_spec_kind(r.field("kind"));
  // Any value: a ctx that is not an object is an invalid spec, not a malformed request.
  if (const json_reader ctx = r.field("ctx"); !ctx.absent()) spec.ctx = ctx.any();
  spec.project_root = r.field("project_root").optional_string();
  return spec;
}

}  // namespace

json to_json_value(const session_spec& spec) {
  return {{"kind", std::visit([](const auto& k) { return encode(k); }, spec.kind)},
          {"ctx", spec.ctx},
          {"project_root", codec::optional_json(spec.project_root)}};
}

template <>
decoded<session_spec> from_json_value<session_spec>(const json& document) {
  return read_json<session_spec>(document, read_session_spec);
}

}  // namespace alc
