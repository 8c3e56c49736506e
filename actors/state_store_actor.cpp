#include "actors/state_store_actor.hpp"

#include <memory>

#include <caf/all.hpp>

#include "actors/card_files.hpp"
#include "actors/card_service.hpp"
#include "actors/state_files.hpp"
#include "messages/json_codec.hpp"
#include "messages/wire.hpp"

namespace alc {
namespace {

template <class Outcome>
caf::result<std::string> reply_of(Outcome outcome) {
  if (auto* error = std::get_if<std::string>(&outcome)) {
    return caf::make_error(caf::sec::runtime_error, std::move(*error));
  }
  return to_json_text(std::get<nlohmann::json>(outcome));
}

class state_store_actor final : public caf::event_based_actor {
 public:
  state_store_actor(caf::actor_config& cfg, std::string state_dir, std::string cards_dir)
      : caf::event_based_actor(cfg),
        files_(std::move(state_dir)),
        cards_(std::make_unique<card_files>(std::move(cards_dir))) {}

  const char* name() const override { return "alc.state_store"; }

  caf::behavior make_behavior() override {
    return {
        [this](store_atom, const state_call& call) { return reply_of(files_.execute(call)); },
        [this](store_atom, const card_call& call) { return reply_of(cards_.execute(call)); },
    };
  }

 private:
  state_files files_;
  card_service cards_;
};

}  // namespace

caf::actor spawn_state_store(caf::actor_system& system, std::string state_dir,
                             std::string cards_dir) {
  return system.spawn<state_store_actor, caf::detached>(std::move(state_dir), std::move(cards_dir));
}

}  // namespace alc
