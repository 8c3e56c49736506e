#pragma once
// A card's JSON as a TOML document and back (alc-card.md §2.4).

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace alc::card_toml {

/// The TOML document of a JSON object: keys sorted in every table, plain
/// values before sub-tables, arrays of tables as `[[...]]`. TOML has no
/// null, so null members and null array elements are left out. Floats take
/// their shortest round-trip form (`0.1`, not `0.10000000000000001`).
std::string write(const nlohmann::json& object);

/// The JSON of a TOML document (integers stay integers, floats floats,
/// dates and times become their TOML text), or why it does not parse.
std::variant<nlohmann::json, std::string> read(std::string_view text);

}  // namespace alc::card_toml
