#include "alc/runtime.hpp"

#include <caf/all.hpp>

#include "actors/registry_actor.hpp"
#include "alc/llm_responder.hpp"
#include "messages/wire.hpp"

namespace alc {

void configure(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::alc>();
  cfg.add_message_types<caf::id_block::alc_handles>();
  cfg.add_message_types<caf::id_block::alc_llm>();
  // The templated overload does not compile in CAF 0.17.6: give a renderer.
  cfg.add_error_category(
      caf::atom("alc"), [](uint8_t code, caf::atom_value, const caf::message& context) {
        std::string text = "alc: " + std::string(to_string(static_cast<error_code>(code)));
        if (context.size() >= 1 && context.match_element<std::string>(0)) {
          text += " (" + context.get_as<std::string>(0) + ")";
        }
        return text;
      });
  declare_runtime_options(cfg);
}

runtime::runtime(caf::actor_system& system)
    : runtime(system, read_runtime_options(system.config())) {}

runtime::runtime(caf::actor_system& system, runtime_options options)
    : system_(&system),
      registry_(spawn_registry(system, std::move(options))),
      client_(system, registry_) {}

runtime::~runtime() {
  shutdown();
}

void runtime::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  caf::scoped_actor self{*system_};
  self->request(registry_, std::chrono::seconds{10}, shutdown_atom_v)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
}

}  // namespace alc
