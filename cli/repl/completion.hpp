#pragma once
// Tab completion in the REPL: `:commands` and the names of the alc library.

#include <string>
#include <vector>

namespace alc::cli {

/// The commands or alc names that start with `word` (a `:command` when it
/// starts with a colon, a dotted name such as `alc.llm_b` otherwise).
std::vector<std::string> complete_repl_word(const std::string& word);

}  // namespace alc::cli
