#include "cli/serve/request_envelope.hpp"

#include <utility>

namespace alc::cli {
using json = nlohmann::json;

std::variant<request, rejection> read_envelope(const json& doc) {
  if (!doc.is_object()) return rejection{nullptr, "a request must be a JSON object"};
  // The id first: finding a top-level key does not recurse, and a valid id
  // is a scalar, so even a request refused as too deep is answered by id.
  const auto id = doc.find("id");
  const bool id_valid = id != doc.end() && (id->is_number_integer() || id->is_string());
  // Copying or comparing a JSON value recurses: reject deep requests before either.
  if (nests_deeper_than(doc, max_json_depth)) {
    return rejection{id_valid ? *id : json(nullptr),
                     "request nests deeper than " + std::to_string(max_json_depth) + " levels"};
  }
  if (id == doc.end()) return rejection{nullptr, "missing field 'id'"};
  if (!id_valid) return rejection{nullptr, "'id' must be an integer or a string"};
  const auto op = doc.find("op");
  if (op == doc.end()) return rejection{*id, "missing field 'op'"};
  if (!op->is_string()) return rejection{*id, "'op' must be a string"};
  return request{*id, op->get<std::string>(), &doc};
}

}  // namespace alc::cli
