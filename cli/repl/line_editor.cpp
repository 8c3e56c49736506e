#include "cli/repl/line_editor.hpp"

#include <histedit.h>
#include <stdio.h>

#include <cctype>
#include <cerrno>

#include "cli/interrupt.hpp"

namespace alc::cli {

line_editor::line_editor(std::string history_file, completer complete)
    : history_file_(std::move(history_file)), complete_(std::move(complete)) {
  el_ = el_init("alc", stdin, stdout, stderr);
  history_ = history_init();
  HistEvent event;
  history(history_, &event, H_SETSIZE, 1000);
  history(history_, &event, H_SETUNIQUE, 1);
  if (!history_file_.empty()) history(history_, &event, H_LOAD, history_file_.c_str());
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_EDITOR, "emacs");
  el_set(el_, EL_HIST, history, history_);
  el_set(el_, EL_PROMPT, &line_editor::prompt_of);
  // The wide call: the narrow el_set(EL_ADDFN) copies the name and help
  // text and never frees them (a leak LeakSanitizer reports at exit).
  el_wset(el_, EL_ADDFN, L"alc-complete", L"complete a command or an alc name",
          &line_editor::complete_word);
  el_set(el_, EL_BIND, "^I", "alc-complete", nullptr);
  el_source(el_, nullptr);  // ~/.editrc, as every libedit program does
}

line_editor::~line_editor() {
  el_end(el_);
  history_end(history_);
}

char* line_editor::prompt_of(editline* el) {
  void* self = nullptr;
  el_get(el, EL_CLIENTDATA, &self);
  return const_cast<char*>(static_cast<line_editor*>(self)->prompt_.c_str());
}

unsigned char line_editor::complete_word(editline* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto& self = *static_cast<line_editor*>(data);
  const LineInfo* info = el_line(el);
  const char* start = info->cursor;
  // A word: `:command` or a dotted Lua name such as `alc.llm_b`.
  while (start > info->buffer) {
    const char ch = start[-1];
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == ':') {
      --start;
    } else {
      break;
    }
  }
  const std::string word(start, info->cursor);
  if (word.empty()) return CC_ERROR;
  const auto candidates = self.complete_(word);
  if (candidates.empty()) return CC_ERROR;
  // Insert what all candidates share beyond the word.
  std::string common = candidates.front();
  for (const auto& c : candidates) {
    std::size_t n = 0;
    while (n < common.size() && n < c.size() && common[n] == c[n]) ++n;
    common.resize(n);
  }
  if (common.size() > word.size()) {
    el_insertstr(el, common.substr(word.size()).c_str());
    return CC_REFRESH;
  }
  if (candidates.size() == 1) return CC_REFRESH;
  fputc('\n', stdout);
  for (const auto& c : candidates) fprintf(stdout, "%s  ", c.c_str());
  fputc('\n', stdout);
  return CC_REDISPLAY;
}

line_editor::status line_editor::read(const std::string& prompt, std::string& line) {
  prompt_ = prompt;
  int count = 0;
  errno = 0;
  const char* text = el_gets(el_, &count);
  if (take_interrupt()) {
    // Ctrl-C at the prompt drops the line being typed, nothing else.
    fputc('\n', stdout);
    el_reset(el_);
    return status::interrupted;
  }
  if (text == nullptr || count <= 0)
    return errno == EINTR ? status::interrupted : status::end_of_input;
  line.assign(text, static_cast<std::size_t>(count));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return status::line;
}

void line_editor::remember(const std::string& entry) {
  if (entry.find_first_not_of(" \t") == std::string::npos) return;
  HistEvent event;
  history(history_, &event, H_ENTER, entry.c_str());
  if (!history_file_.empty()) history(history_, &event, H_SAVE, history_file_.c_str());
}

}  // namespace alc::cli
