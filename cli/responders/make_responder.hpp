#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "cli/responders/responder.hpp"

namespace alc::cli {

/// Builds the responder for `mode` (echo, human, script:FILE.jsonl); null
/// with `error` set for a bad mode. Human mode talks over `in` and `out`.
std::unique_ptr<responder> make_responder(std::string_view mode, std::istream& in,
                                          std::ostream& out, std::string& error);

}  // namespace alc::cli
