#pragma once
// Line editing for the REPL: libedit with persistent history and tab completion.

#include <functional>
#include <optional>
#include <string>
#include <vector>

struct editline;
struct history;

namespace alc::cli {

class line_editor {
 public:
  /// Candidates for the word before the cursor.
  using completer = std::function<std::vector<std::string>(const std::string& word)>;

  /// `history_file` is loaded now and saved after every entry.
  line_editor(std::string history_file, completer complete);
  ~line_editor();
  line_editor(const line_editor&) = delete;
  line_editor& operator=(const line_editor&) = delete;

  enum class status { line, interrupted, end_of_input };
  /// Reads one line (without its newline) into `line`.
  status read(const std::string& prompt, std::string& line);
  void remember(const std::string& entry);

 private:
  static char* prompt_of(editline* el);
  static unsigned char complete_word(editline* el, int ch);

  editline* el_ = nullptr;
  history* history_ = nullptr;
  std::string history_file_;
  completer complete_;
  std::string prompt_;
};

}  // namespace alc::cli
