#include "cli/repl/terminal_responder.hpp"

#include <iostream>

#include "cli/responders/human_responder.hpp"

namespace alc::cli {

std::optional<query_response> terminal_responder::answer(const llm_query& query,
                                                         std::string& error) {
  show_query(std::cout, query);
  std::cout << "(answer; end with a line holding a single '.')\n" << std::flush;
  typed_answer typed;
  std::string line;
  for (;;) {
    switch (editor_.read("... ", line)) {
      case line_editor::status::line:
        if (typed.add(line)) return query_response{query.query_id, typed.text(), std::nullopt};
        break;
      case line_editor::status::interrupted:
        error = "answer interrupted (Ctrl-C)";
        return std::nullopt;
      case line_editor::status::end_of_input:
        error = "end of input while answering " + query.query_id;
        return std::nullopt;
    }
  }
}

}  // namespace alc::cli
