#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "actors/card_repository.hpp"
#include "messages/card_call.hpp"

namespace alc {

/// The rules of `alc.card` (alc-card.md §2, §4): ids and fingerprints,
/// immutability, aliases, the query language, lineage, over any
/// card_repository. Not thread-safe: one owner (the store actor) serialises
/// the calls, so a read-modify-write (append, alias_set) is never interleaved.
class card_service {
 public:
  /// The call's reply, or the message of the error the script raises.
  using outcome = std::variant<nlohmann::json, std::string>;
  /// Wall-clock seconds since the Unix epoch (a test fixes it).
  using clock = std::function<int64_t()>;

  explicit card_service(std::unique_ptr<card_repository> store, clock now = system_seconds);

  outcome execute(const card_call& call);

  static int64_t system_seconds();

 private:
  outcome create(const card_call& call);
  outcome get(const card_call& call);
  outcome list(const card_call& call);
  outcome append(const card_call& call);
  outcome get_by_alias(const card_call& call);
  outcome alias_set(const card_call& call);
  outcome alias_list(const card_call& call);
  outcome find(const card_call& call);
  outcome write_samples(const card_call& call);
  outcome read_samples(const card_call& call);
  outcome lineage(const card_call& call);
  outcome sink_backfill(const card_call& call);

  std::unique_ptr<card_repository> store_;
  clock now_;
};

}  // namespace alc
