#include "messages/wire.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

#include "messages/card_call_codec.hpp"
#include "messages/json_codec.hpp"
#include "messages/state_call_codec.hpp"

namespace alc {
namespace {

template <class T>
std::string encode_text(const T& x) {
  return to_json_text(to_json_value(x));
}

template <class T>
caf::error decode_text(const std::string& text, T& x) {
  auto result = from_json_text<T>(text);
  if (!result) {
    return caf::make_error(caf::sec::invalid_argument,
                           std::string(json_wire<T>::name) + ": " + result.error().message);
  }
  x = std::move(result).value();
  return caf::none;
}

}  // namespace

#define ALC_WIRE_CODEC(type)                               \
  std::string wire_text(const type& x) {                   \
    return encode_text(x);                                 \
  }                                                        \
  caf::error wire_read(const std::string& text, type& x) { \
    return decode_text(text, x);                           \
  }
ALC_WIRE_CODEC(session_spec)
ALC_WIRE_CODEC(execution_state)
ALC_WIRE_CODEC(terminal_outcome)
ALC_WIRE_CODEC(resume_payload)
ALC_WIRE_CODEC(resume_outcome)
ALC_WIRE_CODEC(cancel_reason)
ALC_WIRE_CODEC(session_event)
ALC_WIRE_CODEC(session_summary)
ALC_WIRE_CODEC(registry_stats)
ALC_WIRE_CODEC(verb_error)
ALC_WIRE_CODEC(state_call)
ALC_WIRE_CODEC(card_call)
#undef ALC_WIRE_CODEC

caf::error make_verb_error(error_code code, std::string message,
                           std::optional<std::string> actual) {
  if (actual) return caf::make_error(code, std::move(message), std::move(*actual));
  return caf::make_error(code, std::move(message));
}

std::optional<verb_error> to_verb_error(const caf::error& error) {
  if (!error || error.category() != caf::atom("alc")) return std::nullopt;
  verb_error out;
  out.code = static_cast<error_code>(error.code());
  const caf::message& context = error.context();
  if (context.size() >= 1 && context.match_element<std::string>(0)) {
    out.message = context.get_as<std::string>(0);
  }
  if (context.size() >= 2 && context.match_element<std::string>(1)) {
    out.actual = context.get_as<std::string>(1);
  }
  return out;
}

std::string describe(const caf::error& error) {
  if (auto verb = to_verb_error(error)) {
    return std::string(to_string(verb->code)) + ": " + verb->message;
  }
  return to_string(error);
}

}  // namespace alc
