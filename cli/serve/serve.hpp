#pragma once

#include <iosfwd>

#include "cli/cli_runtime.hpp"

namespace alc::cli {

/// `alc serve --stdio`: the JSON-lines protocol of docs/protocol.md on
/// `in`/`out` until end of input; then live sessions are cancelled with
/// `system_shutdown`. Returns the process exit status.
int serve_stdio(cli_runtime& rt, std::istream& in, std::ostream& out);

}  // namespace alc::cli
