#include "actors/card_text.hpp"

#include <time.h>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace alc::card_text {
namespace {

void append_canonical(const nlohmann::json& value, std::string& out) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      // nlohmann's object is a std::map: its keys are already in byte order.
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ',';
        first = false;
        out += '"';
        out += key;
        out += "\":";
        append_canonical(item, out);
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ',';
        first = false;
        append_canonical(item, out);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::string:
      out += '"';
      out += value.get_ref<const std::string&>();
      out += '"';
      break;
    case nlohmann::json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      break;
    case nlohmann::json::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      break;
    case nlohmann::json::value_t::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      break;
    case nlohmann::json::value_t::number_float:
      out += shortest_float(value.get<double>());
      break;
    default:
      out += "null";
      break;
  }
}

std::tm utc(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  std::tm parts{};
  ::gmtime_r(&t, &parts);
  return parts;
}

}  // namespace

std::string canonical(const nlohmann::json& value) {
  std::string out;
  append_canonical(value, out);
  return out;
}

uint64_t djb2_64(std::string_view text) {
  uint64_t h = 5381;
  for (const char c : text) h = h * 33 + static_cast<unsigned char>(c);
  return h;
}

std::string hex16(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string shortest_float(double value) {
  if (!std::isfinite(value)) return "null";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  // The shortest round-trip digits in scientific form, `-d.ddde±x`, laid
  // out again the way Rust's ryu prints an f64.
  char buf[64];
  const auto done = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(done.ptr - buf));
  const std::size_t e = sci.find('e');
  std::string out = sci.front() == '-' ? "-" : "";
  std::string digits;
  for (const char c : sci.substr(0, e)) {
    if (c >= '0' && c <= '9') digits += c;
  }
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  const int length = static_cast<int>(digits.size());
  const int kk = exponent + 1;  // 10^(kk-1) <= |value| < 10^kk
  const int k = kk - length;    // value = digits * 10^k
  if (k >= 0 && kk <= 16) {
    out += digits + std::string(static_cast<std::size_t>(k), '0') + ".0";
  } else if (kk > 0 && kk <= 16) {
    out += digits.substr(0, static_cast<std::size_t>(kk)) + "." +
           digits.substr(static_cast<std::size_t>(kk));
  } else if (kk > -5 && kk <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-kk), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (length > 1) out += "." + digits.substr(1);
    out += "e" + std::to_string(kk - 1);
  }
  return out;
}

std::string utc_timestamp(int64_t unix_seconds) {
  const std::tm t = utc(unix_seconds);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

std::string compact_timestamp(int64_t unix_seconds) {
  const std::tm t = utc(unix_seconds);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

}  // namespace alc::card_text
