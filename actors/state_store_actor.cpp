#include "actors/state_store_actor.hpp"

#include <caf/all.hpp>

#include "actors/state_files.hpp"
#include "messages/json_codec.hpp"
#include "messages/wire.hpp"

namespace alc {
namespace {

class state_store_actor final : public caf::event_based_actor {
 public:
  state_store_actor(caf::actor_config& cfg, std::string directory)
      : caf::event_based_actor(cfg), files_(std::move(directory)) {}

  const char* name() const override { return "alc.state_store"; }

  caf::behavior make_behavior() override {
    return {
        [this](store_atom, const state_call& call) -> caf::result<std::string> {
          auto outcome = files_.execute(call);
          if (auto* error = std::get_if<std::string>(&outcome)) {
            return caf::make_error(caf::sec::runtime_error, std::move(*error));
          }
          return to_json_text(std::get<nlohmann::json>(outcome));
        },
    };
  }

 private:
  state_files files_;
};

}  // namespace

caf::actor spawn_state_store(caf::actor_system& system, std::string directory) {
  return system.spawn<state_store_actor, caf::detached>(std::move(directory));
}

}  // namespace alc
