// Lua ⇄ JSON (lua_bridge/lua_json.*) through a real script_vm, both ways.
//
// JSON → Lua → JSON: the input is JSON text. It reaches the
// VM as `ctx.v` (lua_json::push) and as text for `alc.json_decode`; the
// script returns both, and re-encodes and decodes the second. Each must come
// back as the input with the documented losses (null members dropped,
// trailing nulls of arrays dropped, NaN and infinities null).
//
// Lua → JSON, when the input starts with '!': the rest builds a Lua value (numbers from
// tiny to huge, strings with any bytes, nested, sparse, marked, shared and
// cyclic tables, functions, threads, userdata). One VM returns it (to_json
// on the result), another passes it to `alc.json_encode`: both must agree
// on whether it encodes, and the text must decode back to the same value.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <fuzzer/FuzzedDataProvider.h>

#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/script_vm.hpp"
#include "messages/json_reader.hpp"
#include "messages/json_text.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/vm_driver.hpp"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t memory_limit = std::size_t{8} << 20;
constexpr int max_lua_depth = alc::max_lua_json_depth;

alc::vm_options options() {
  alc::vm_options opts;
  opts.memory_limit = memory_limit;
  opts.cpu_limit = 2'000ms;
  return opts;
}

/// Runs `code` (no host calls expected) and returns how it ended.
std::optional<alc::fuzz::vm_outcome> run(const std::string& code, const json& ctx) {
  alc::vm_error error;
  auto vm = alc::script_vm::create(code, ctx, options(), error);
  if (!vm) return alc::fuzz::vm_outcome{alc::step_failed{error.kind, error.message}};
  return alc::fuzz::run_to_end(
      *vm, [](alc::script_vm& machine, const alc::host_call&) { machine.answer_error("no"); },
      1'000, 10ms);
}

// ---- JSON → Lua → JSON -----------------------------------------------------

/// What a JSON value becomes after a trip through Lua; nullopt is a hole
/// (JSON null is nil, which a table cannot hold).
std::optional<json> through_lua(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
    case json::value_t::binary:
      return std::nullopt;
    case json::value_t::number_float:
      if (!std::isfinite(value.get<double>())) return json(nullptr);
      return value;
    case json::value_t::number_unsigned:
      if (value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return json(static_cast<double>(value.get<uint64_t>()));
      }
      return json(static_cast<int64_t>(value.get<uint64_t>()));
    case json::value_t::array: {
      json out = json::array();
      std::size_t kept = 0;  // up to the last element that is not a hole
      for (const auto& item : value) {
        auto converted = through_lua(item);
        out.push_back(converted ? *converted : json(nullptr));
        if (converted) kept = out.size();
      }
      out.get_ref<json::array_t&>().resize(kept);
      return out;
    }
    case json::value_t::object: {
      json out = json::object();
      for (const auto& [key, item] : value.items()) {
        if (auto converted = through_lua(item)) out[key] = std::move(*converted);
      }
      return out;
    }
    default:
      return value;
  }
}

const char* const json_script = R"(
local r = {pushed = ctx.v}
local ok, decoded = pcall(alc.json_decode, ctx.s)
r.decoded_ok = ok
if ok then
  r.decoded = decoded
  r.again = alc.json_decode(alc.json_encode(decoded))
end
return r
)";

void json_to_lua(const std::string& text) {
  const auto document = alc::parse_json_text(text);
  json ctx = {{"s", text}};
  if (document) ctx["v"] = document.value();
  // ctx.v and r.pushed sit one level down: the input may use the rest.
  const bool too_deep =
      document &&
      alc::nests_deeper_than(document.value(), static_cast<std::size_t>(max_lua_depth) - 1);
  const auto outcome = run(json_script, ctx);
  alc::fuzz::require(outcome.has_value(), "json script did not end");
  if (const auto* failed = std::get_if<alc::step_failed>(&*outcome)) {
    if (too_deep || failed->kind == alc::failure_kind::memory_limit) return;
    alc::fuzz::fail("the JSON round trip failed", failed->message + "\ninput: " + text);
  }
  const json& result = std::get<alc::step_done>(*outcome).value;
  alc::fuzz::require(result.value("decoded_ok", false) == document.ok(),
                     "alc.json_decode and parse_json_text disagree", text);
  if (!document || too_deep) return;
  const std::optional<json> expected = through_lua(document.value());
  const json want = expected ? *expected : json(nullptr);
  const auto field = [&result](const char* key) {
    return result.contains(key) ? result.at(key) : json(nullptr);
  };
  alc::fuzz::require(field("pushed") == want, "lua_json::push then to_json changed the value",
                     "input: " + text + "\ngot: " + field("pushed").dump());
  alc::fuzz::require(field("decoded") == want, "alc.json_decode changed the value",
                     "input: " + text + "\ngot: " + field("decoded").dump());
  alc::fuzz::require(field("again") == want, "alc.json_encode then json_decode changed the value",
                     "input: " + text + "\ngot: " + field("again").dump());
}

// ---- Lua → JSON ------------------------------------------------------------

/// Writes a Lua program that builds one value from the fuzz bytes into `v`.
class value_builder {
 public:
  explicit value_builder(FuzzedDataProvider& in) : in_(in) {}

  std::string program() {
    code_ =
        "local mark = function(t) return setmetatable(t, getmetatable(alc.json_decode('[]'))) "
        "end\n";
    const std::string root = value(0);
    code_ += "local v = " + root + "\n";
    return code_;
  }

 private:
  std::string integer() {
    static const char* const picks[] = {"0",
                                        "1",
                                        "2",
                                        "3",
                                        "-1",
                                        "7",
                                        "255",
                                        "(1<<31)",
                                        "(1<<40)",
                                        "(1<<53)",
                                        "(1<<62)",
                                        "math.maxinteger",
                                        "math.mininteger",
                                        "(1<<26)",
                                        "1000000",
                                        "-1000000",
                                        "(1<<20)"};
    if (in_.ConsumeBool()) return std::to_string(in_.ConsumeIntegralInRange<int>(-3, 40));
    return picks[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(picks) - 1)];
  }

  std::string number() {
    static const char* const picks[] = {"0.0",   "-0.0",   "0.5",   "1.0",    "2.0",
                                        "1e308", "-1e308", "1/0",   "-1/0",   "0/0",
                                        "2^53",  "2^63",   "-2^63", "1e-320", "3.14159"};
    if (in_.ConsumeBool()) return integer();
    return "(" +
           std::string(picks[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(picks) - 1)]) +
           ")";
  }

  /// Any bytes; keys get a prefix so that no string key spells an integer
  /// key of the same table (which one wins would depend on traversal order).
  std::string string_literal(const char* prefix = "") {
    const std::string bytes = in_.ConsumeRandomLengthString(24);
    std::string out = std::string("\"") + prefix;
    for (const unsigned char c : bytes) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
    return out + "\"";
  }

  std::string key() {
    switch (in_.ConsumeIntegralInRange(0, 4)) {
      case 0:
      case 1:
        return integer();
      case 2:
        return number();
      case 3:
        return string_literal("k");
      default:
        return in_.ConsumeBool() ? "true" : pick_table();
    }
  }

  std::string pick_table() {
    if (tables_ == 0) return "\"k\"";
    return "t" + std::to_string(in_.ConsumeIntegralInRange(1, tables_));
  }

  std::string table(int depth) {
    const int name = ++tables_;
    const std::string var = "t" + std::to_string(name);
    code_ += "local " + var + " = " + (in_.ConsumeBool() ? "mark({})" : "{}") + "\n";
    const int entries = in_.ConsumeIntegralInRange(0, 6);
    for (int i = 0; i < entries && in_.remaining_bytes() > 0; ++i) {
      const std::string k = key();
      const std::string v = value(depth + 1);
      // pcall: a NaN key is an error, a nil value deletes.
      code_ += "pcall(rawset, " + var + ", " + k + ", " + v + ")\n";
    }
    if (in_.ConsumeIntegralInRange(0, 7) == 0) {
      code_ += "for i = 1, " + std::to_string(in_.ConsumeIntegralInRange(1, 300)) + " do " + var +
               "[i] = i end\n";
    }
    return var;
  }

  std::string value(int depth) {
    if (depth > 12 || in_.remaining_bytes() == 0) return integer();
    switch (in_.ConsumeIntegralInRange(0, 15)) {
      case 0:
        return "nil";
      case 1:
        return in_.ConsumeBool() ? "true" : "false";
      case 2:
      case 3:
        return number();
      case 4:
      case 5:
        return string_literal();
      case 6:
        return "function() end";
      case 7:
        return in_.ConsumeBool() ? "coroutine.create(print)" : "io.stdout";
      case 8:
        return pick_table();  // shared, or a cycle when it is an ancestor
      case 9:
        return "string.rep(\"ab\", " + std::to_string(in_.ConsumeIntegralInRange(0, 5000)) + ")";
      default:
        return table(depth);
    }
  }

  FuzzedDataProvider& in_;
  std::string code_;
  int tables_ = 0;
};

void lua_to_json(FuzzedDataProvider& in) {
  const std::string program = value_builder(in).program();
  if (std::getenv("ALC_FUZZ_PRINT") != nullptr) std::fprintf(stderr, "%s\n----\n", program.c_str());
  const auto returned = run(program + "return v\n", json::object());
  const auto encoded = run(program +
                               "local ok, text = pcall(alc.json_encode, v)\n"
                               "if not ok then return {ok = false, error = text} end\n"
                               "return {ok = true, text = text, back = alc.json_decode(text)}\n",
                           json::object());
  alc::fuzz::require(returned && encoded, "a Lua → JSON script did not end", program);
  const auto* failed_return = std::get_if<alc::step_failed>(&*returned);
  const auto* failed_encode = std::get_if<alc::step_failed>(&*encoded);
  const bool out_of_memory =
      (failed_return && failed_return->kind == alc::failure_kind::memory_limit) ||
      (failed_encode && failed_encode->kind == alc::failure_kind::memory_limit);
  if (out_of_memory) return;
  alc::fuzz::require(failed_encode == nullptr, "the alc.json_encode script failed",
                     program + "\n" + (failed_encode ? failed_encode->message : ""));
  const json& report = std::get<alc::step_done>(*encoded).value;
  const bool encode_ok = report.at("ok").get<bool>();
  alc::fuzz::require(
      encode_ok == (failed_return == nullptr),
      "returning a value and alc.json_encode disagree on whether it encodes",
      program + "\n" + report.dump() + "\n" + (failed_return ? failed_return->message : ""));
  if (failed_return) {
    alc::fuzz::require(failed_return->message.rfind("result", 0) == 0,
                       "a conversion error does not name its path", failed_return->message);
    return;
  }
  const json& value = std::get<alc::step_done>(*returned).value;
  const auto parsed = alc::parse_json_text(report.at("text").get<std::string>());
  alc::fuzz::require(parsed.ok() && parsed.value() == value,
                     "alc.json_encode text differs from the returned value",
                     program + "\nreturned: " + value.dump() + "\nencoded: " + report.dump());
  const std::optional<json> expected = through_lua(value);
  const json back = report.contains("back") ? report.at("back") : json(nullptr);
  alc::fuzz::require(back == (expected ? *expected : json(nullptr)),
                     "alc.json_decode of alc.json_encode changed the value",
                     program + "\nreturned: " + value.dump() + "\nback: " + back.dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0 || data[0] != '!') {
    json_to_lua(std::string(reinterpret_cast<const char*>(data), size));
  } else {
    FuzzedDataProvider in(data + 1, size - 1);
    lua_to_json(in);
  }
  return 0;
}
