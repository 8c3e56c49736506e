#include "cli/repl/completion.hpp"

#include <string_view>

namespace alc::cli {
namespace {

constexpr std::string_view command_names[] = {":help",   ":sessions", ":state",     ":resume",
                                              ":cancel", ":watch",    ":await",     ":bg",
                                              ":load",   ":advice",   ":responder", ":quit"};

constexpr std::string_view alc_names[] = {"alc.llm",
                                          "alc.llm_batch",
                                          "alc.json_encode",
                                          "alc.json_decode",
                                          "alc.log",
                                          "alc.state.get",
                                          "alc.state.set",
                                          "alc.state.keys",
                                          "alc.state.delete",
                                          "alc.state.has",
                                          "alc.state.set_nx",
                                          "alc.state.incr",
                                          "alc.state.update",
                                          "alc.progress",
                                          "alc.stats.record",
                                          "alc.stats.get",
                                          "alc.stats.llm_calls",
                                          "alc.time",
                                          "alc.budget_remaining",
                                          "alc.chunk",
                                          "alc.match_enum",
                                          "alc.match_bool",
                                          "alc.fork",
                                          "alc.map",
                                          "alc.filter",
                                          "alc.reduce",
                                          "alc.vote",
                                          "alc.parallel",
                                          "alc.cache",
                                          "alc.cache_info",
                                          "alc.cache_clear",
                                          "alc.ground",
                                          "alc.specify",
                                          "alc.llm_safe",
                                          "alc.llm_json",
                                          "alc.json_extract",
                                          "alc.parse_score",
                                          "alc.parse_number",
                                          "alc.fmt",
                                          "alc.log_fmt",
                                          "alc.fingerprint",
                                          "alc.budget_check",
                                          "alc.tuning",
                                          "alc.pipe"};

/// Appends the names in `names` that start with `word`.
template <class Names>
void add_matches(const Names& names, const std::string& word, std::vector<std::string>& out) {
  for (const std::string_view name : names) {
    if (name.substr(0, word.size()) == word) out.emplace_back(name);
  }
}

}  // namespace

std::vector<std::string> complete_repl_word(const std::string& word) {
  std::vector<std::string> out;
  if (!word.empty() && word[0] == ':') {
    add_matches(command_names, word, out);
  } else {
    add_matches(alc_names, word, out);
  }
  return out;
}

}  // namespace alc::cli
