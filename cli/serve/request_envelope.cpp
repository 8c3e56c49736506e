#include "cli/serve/request_envelope.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace alc::cli {
namespace {

using json = nlohmann::json;

// Copying or comparing a JSON value recurses, so reject deep requests before
// touching them (the same bound as the codecs).
bool nests_too_deep(const json& root) {
  std::vector<std::pair<const json*, std::size_t>> pending{{&root, 0}};
  while (!pending.empty()) {
    const auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    if (depth + 1 > max_json_depth) return true;
    for (const auto& child : *node) pending.emplace_back(&child, depth + 1);
  }
  return false;
}

}  // namespace

std::variant<request, rejection> read_envelope(const json& doc) {
  if (!doc.is_object()) return rejection{nullptr, "a request must be a JSON object"};
  if (nests_too_deep(doc)) {
    return rejection{nullptr,
                     "request nests deeper than " + std::to_string(max_json_depth) + " levels"};
  }
  const auto id = doc.find("id");
  if (id == doc.end()) return rejection{nullptr, "missing field 'id'"};
  if (!id->is_number_integer() && !id->is_string()) {
    return rejection{nullptr, "'id' must be an integer or a string"};
  }
  const auto op = doc.find("op");
  if (op == doc.end()) return rejection{*id, "missing field 'op'"};
  if (!op->is_string()) return rejection{*id, "'op' must be a string"};
  return request{*id, op->get<std::string>(), &doc};
}

}  // namespace alc::cli
