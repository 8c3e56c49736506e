#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "cli/cli_runtime.hpp"
#include "cli/responders/model_responder.hpp"
#include "cli/responders/responder.hpp"

namespace alc::cli {

/// Builds the responder for `mode`: echo, human, script:FILE.jsonl, or a
/// model endpoint (openai, anthropic, exec:CMD; `config` takes the provider
/// from --responder-config) described by `model` and run as an actor in `rt`.
/// Null with `error` set for a bad mode or endpoint. Human mode talks over
/// `in` and `out`.
std::unique_ptr<responder> make_responder(std::string_view mode, const model_flags& model,
                                          cli_runtime& rt, std::istream& in, std::ostream& out,
                                          std::string& error);

}  // namespace alc::cli
