#pragma once
// An LLM stand-in that answers in the format a prompt asks for, the way a
// cooperative model would: the number when it asks for a number, one of
// the offered labels when it offers labels, the JSON example back when it
// shows one, a short sentence otherwise. It knows formats, not packages.

#include <cctype>
#include <regex>
#include <string>

#include "messages/llm_query.hpp"

namespace alc::test {

class format_responder {
 public:
  std::string answer(const llm_query& query) const {
    const std::string text = query.prompt + "\n" + query.system.value_or("");
    if (auto json = json_example(query.prompt)) return *json;
    if (auto choice = offered_choice(text)) return *choice;
    if (asks_for_number(text)) return "7";
    return "The answer is 4, because 2 + 2 = 4. This is correct and complete.";
  }

 private:
  // The JSON example a prompt shows after mentioning JSON, returned as is:
  // `Output as a JSON array: [{"name":"..."}]`.
  static std::optional<std::string> json_example(const std::string& prompt) {
    const auto mention = find_nocase(prompt, "json");
    if (mention == std::string::npos) return std::nullopt;
    const auto open = prompt.find_first_of("[{", mention);
    if (open == std::string::npos) return std::nullopt;
    const char close_char = prompt[open] == '[' ? ']' : '}';
    int depth = 0;
    for (std::size_t i = open; i < prompt.size(); ++i) {
      if (prompt[i] == prompt[open]) ++depth;
      if (prompt[i] == close_char && --depth == 0) return prompt.substr(open, i - open + 1);
    }
    return std::nullopt;
  }

  // "one of: A, B, C", "A or B", "CORRECT, PARTIAL, or WRONG", "YES or NO":
  // the first label offered.
  static std::optional<std::string> offered_choice(const std::string& text) {
    static const std::regex one_of(R"(one of[^:\n]*:\s*\(?([A-Za-z_][A-Za-z0-9_-]*))",
                                   std::regex::icase);
    static const std::regex either(
        R"(\b([A-Z][A-Z0-9_]*)\s*(?:,\s*[A-Z][A-Z0-9_]*\s*)*,?\s*(?:or|/)\s+[A-Z][A-Z0-9_]*\b)");
    std::smatch match;
    if (std::regex_search(text, match, one_of)) return match[1].str();
    if (std::regex_search(text, match, either)) return match[1].str();
    return std::nullopt;
  }

  static bool asks_for_number(const std::string& text) {
    static const std::regex number(
        R"(\b(number|score|rate|rating|confidence|probability|integer|digit)s?\b|\d+\s*(-|to)\s*\d+)",
        std::regex::icase);
    return std::regex_search(text, number);
  }

  static std::size_t find_nocase(const std::string& text, const std::string& word) {
    const auto it = std::search(text.begin(), text.end(), word.begin(), word.end(),
                                [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    return it == text.end() ? std::string::npos : static_cast<std::size_t>(it - text.begin());
  }
};

}  // namespace alc::test
