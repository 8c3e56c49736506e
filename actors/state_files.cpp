#include "actors/state_files.hpp"

#include "actors/durable_files.hpp"
#include "messages/state_names.hpp"

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>

namespace alc {
namespace {

/// An int64 of `n`, if it is an integer JSON number that fits one.
std::optional<int64_t> as_int64(const nlohmann::json& n) {
  if (n.is_number_unsigned()) {
    const auto value = n.get<uint64_t>();
    if (value > uint64_t{INT64_MAX}) return std::nullopt;
    return static_cast<int64_t>(value);
  }
  if (n.is_number_integer()) return n.get<int64_t>();
  return std::nullopt;
}

/// incr's sum of two JSON numbers: an integer when both are integers and the
/// sum fits, else a float.
nlohmann::json incremented(const nlohmann::json& current, const nlohmann::json& delta) {
  const auto a = as_int64(current);
  const auto b = as_int64(delta);
  int64_t sum = 0;
  if (a && b && !__builtin_add_overflow(*a, *b, &sum)) return sum;
  return current.get<double>() + delta.get<double>();
}

}  // namespace

state_files::state_files(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::variant<nlohmann::json*, std::string> state_files::document(const std::string& ns) {
  if (auto it = documents_.find(ns); it != documents_.end()) return &it->second;
  const auto path = dir_ / (ns + ".json");
  nlohmann::json doc = nlohmann::json::object();
  std::ifstream file(path, std::ios::binary);
  if (file) {
    std::ostringstream text;
    text << file.rdbuf();
    doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
      return "state namespace '" + ns + "' is unreadable: " + path.string() +
             " does not hold a JSON object";
    }
  }
  return &documents_.emplace(ns, std::move(doc)).first->second;
}

std::string state_files::persist(const std::string& ns, const nlohmann::json& doc) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return "cannot create the state directory " + dir_.string() + ": " + ec.message();
  const auto target = dir_ / (ns + ".json");
  const auto temp = dir_ / ("." + ns + ".json.tmp-" + std::to_string(::getpid()) + "-" +
                            std::to_string(++temp_counter_));
  const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return durable::write_file(target, text, temp, durable::publish::replace).error;
}

state_files::outcome state_files::execute(const state_call& call) {
  try {
    const std::string& ns = call.ns;
    if (const char* reason = invalid_state_namespace_reason(ns)) {
      return "state: namespace '" + ns + "' " + reason;
    }
    auto loaded = document(ns);
    if (auto* error = std::get_if<std::string>(&loaded)) return *error;
    nlohmann::json& doc = *std::get<nlohmann::json*>(loaded);

    if (call.op == state_op::keys) {
      nlohmann::json keys = nlohmann::json::array();
      for (const auto& item : doc.items()) keys.push_back(item.key());
      return keys;
    }
    // Any string is a key: it names an entry of the namespace's object, never a file.
    const std::string& key = call.key;
    const auto found = doc.find(key);
    const bool present = found != doc.end();

    // Every write goes to a copy first: the cache changes only once the file has.
    auto write = [&](nlohmann::json next, nlohmann::json answer) -> outcome {
      if (auto error = persist(ns, next); !error.empty()) return error;
      doc = std::move(next);
      return answer;
    };
    switch (call.op) {
      case state_op::keys:
        break;  // answered above
      case state_op::get:
        return present ? *found : nlohmann::json();
      case state_op::has:
        return present;
      case state_op::set: {
        nlohmann::json next = doc;
        if (call.value.is_null()) {
          next.erase(key);
        } else {
          next[key] = call.value;
        }
        return write(std::move(next), nullptr);
      }
      case state_op::set_nx: {
        if (present) return false;
        nlohmann::json next = doc;
        next[key] = call.value;
        return write(std::move(next), true);
      }
      case state_op::erase: {
        if (!present) return false;
        nlohmann::json next = doc;
        next.erase(key);
        return write(std::move(next), true);
      }
      case state_op::incr: {
        const nlohmann::json& current = present ? *found : call.initial;
        if (!current.is_number() || !call.delta.is_number()) {
          return "state.incr: key '" + key + "' holds a non-number";
        }
        const nlohmann::json sum = incremented(current, call.delta);
        nlohmann::json next = doc;
        next[key] = sum;
        return write(std::move(next), sum);
      }
    }
    return "state: unknown operation '" + std::string(to_string(call.op)) + "'";
  } catch (const std::exception& e) {
    return std::string("state: ") + e.what();
  }
}

}  // namespace alc
