#include "actors/llm/http_status.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "messages/json_text.hpp"

namespace alc::llm {
namespace {

constexpr std::size_t excerpt_limit = 300;

/// A non-negative decimal number of whole or fractional units, or nullopt.
std::optional<double> plain_number(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos || !std::isdigit(static_cast<unsigned char>(text[first]))) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str() + first, &end);
  while (*end == ' ' || *end == '\t') ++end;
  if (*end != '\0' || !std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

std::optional<std::chrono::milliseconds> capped_millis(double ms) {
  constexpr double limit = 365.0 * 24 * 3600 * 1000;  // a year: more is nonsense
  return std::chrono::milliseconds{static_cast<int64_t>(std::ceil(std::min(ms, limit)))};
}

/// `Wed, 21 Oct 2015 07:28:00 GMT` (RFC 9110's preferred form).
std::optional<std::time_t> http_date(const std::string& text) {
  std::tm parts{};
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return ::timegm(&parts);
}

/// One line, no control characters, cut at a UTF-8 boundary.
std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= excerpt_limit) break;
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  if (text.size() > out.size()) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    out += "...";
  }
  const auto last = out.find_last_not_of(' ');
  return last == std::string::npos ? std::string() : out.substr(0, last + 1);
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_of(const http_reply& reply, std::time_t now) {
  if (reply.retry_after_ms) {
    if (auto ms = plain_number(*reply.retry_after_ms)) return capped_millis(*ms);
  }
  if (!reply.retry_after) return std::nullopt;
  if (auto seconds = plain_number(*reply.retry_after)) return capped_millis(*seconds * 1000);
  if (auto when = http_date(*reply.retry_after)) {
    return capped_millis(std::max(0.0, std::difftime(*when, now)) * 1000);
  }
  return std::nullopt;
}

failure failure_of(const transfer_error& error) {
  switch (error.what) {
    case transfer_error::kind::connect:
      return failure{"cannot connect: " + error.message, true, std::nullopt};
    case transfer_error::kind::timeout:
      return failure{"timed out: " + error.message, true, std::nullopt};
    case transfer_error::kind::broken:
      return failure{"connection failed: " + error.message, true, std::nullopt};
    case transfer_error::kind::too_large:
      return failure{error.message, false, std::nullopt};
    case transfer_error::kind::other:
      break;
  }
  return failure{"request failed: " + error.message, false, std::nullopt};
}

std::optional<failure> status_failure(const http_reply& reply, std::time_t now) {
  if (reply.status >= 200 && reply.status < 300) return std::nullopt;
  failure out;
  out.message = "HTTP " + std::to_string(reply.status);
  if (!reply.reason.empty()) out.message += " " + reply.reason;
  const std::string why = error_text(reply.body);
  if (!why.empty()) out.message += ": " + why;
  out.http_status = reply.status;
  out.retryable = reply.status == 408 || reply.status == 429 || reply.status >= 500;
  if (out.retryable) out.retry_after = retry_after_of(reply, now);
  return out;
}

failure malformed_body(const std::string& why) {
  return failure{"malformed response body: " + why, false, std::nullopt};
}

std::string error_text(std::string_view body) {
  auto parsed = parse_json_text(body);
  if (parsed && parsed.value().is_object()) {
    const auto& json = parsed.value();
    const auto error = json.find("error");
    if (error != json.end()) {
      if (error->is_string()) return one_line(error->get<std::string>());
      if (error->is_object()) {
        const auto message = error->find("message");
        if (message != error->end() && message->is_string()) {
          return one_line(message->get<std::string>());
        }
      }
    }
  }
  return one_line(body);
}

}  // namespace alc::llm
