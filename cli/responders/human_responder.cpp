#include "cli/responders/human_responder.hpp"

#include <istream>
#include <ostream>

namespace alc::cli {

void show_query(std::ostream& out, const llm_query& query) {
  out << "── " << query.query_id << " (max_tokens " << query.max_tokens;
  if (query.role) out << ", role " << *query.role;
  out << ")\n";
  if (query.system) out << "system: " << *query.system << '\n';
  out << query.prompt << '\n';
}

bool typed_answer::add(const std::string& line) {
  if (line == ".") return true;
  if (!empty_) text_ += '\n';
  text_ += line;
  empty_ = false;
  return false;
}

std::optional<query_response> human_responder::answer(const llm_query& query, std::string& error) {
  show_query(out_, query);
  out_ << "answer (end with a line holding a single '.'):\n" << std::flush;
  typed_answer typed;
  std::string line;
  while (std::getline(in_, line)) {
    if (typed.add(line)) return query_response{query.query_id, typed.text(), std::nullopt};
  }
  if (!typed.empty()) return query_response{query.query_id, typed.text(), std::nullopt};
  error = "end of input while waiting for the answer to " + query.query_id;
  return std::nullopt;
}

}  // namespace alc::cli
