#include "lua_bridge/text_primitives.hpp"

#include <algorithm>
#include <array>

namespace alc::text {
namespace {

// ---- bytes and UTF-8 ---------------------------------------------------------

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

bool is_ascii_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}

bool is_ascii_alnum(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

bool is_word_char(char ch) {
  return is_ascii_alnum(ch) || ch == '_';
}

// Non-ASCII bytes are kept: they may belong to letters of other scripts.
bool is_ascii_punct(char ch) {
  return static_cast<unsigned char>(ch) < 0x80 && !is_ascii_alnum(ch) && !is_ascii_space(ch);
}

char ascii_lower(char ch) {
  return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
}

// Length the lead byte announces; 1 for bytes that cannot start a sequence.
std::size_t announced_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

// Bytes of the character at `pos`: a complete sequence, else the lone byte.
std::size_t char_length(std::string_view text, std::size_t pos) {
  const std::size_t length = announced_length(static_cast<unsigned char>(text[pos]));
  if (pos + length > text.size()) return 1;
  for (std::size_t k = 1; k < length; ++k) {
    if (!is_continuation(static_cast<unsigned char>(text[pos + k]))) return 1;
  }
  return length;
}

// Appends the code points of `text`, ASCII letters lowered when asked.
// An invalid byte becomes U+DC00 + byte (a lone surrogate, as in Python's
// surrogateescape), so it only ever equals the same invalid byte.
void decode(std::string_view text, bool lower, std::u32string& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = char_length(text, pos);
    const auto lead = static_cast<unsigned char>(text[pos]);
    char32_t code = 0;
    if (length == 1) {
      code = lead < 0x80 ? static_cast<char32_t>(lower ? ascii_lower(text[pos]) : text[pos])
                         : static_cast<char32_t>(0xDC00 + lead);
    } else {
      static constexpr unsigned char lead_mask[] = {0, 0, 0x1F, 0x0F, 0x07};
      code = lead & lead_mask[length];
      for (std::size_t k = 1; k < length; ++k) {
        code = (code << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
      }
    }
    out.push_back(code);
    pos += length;
  }
}

std::size_t count_units(std::string_view text, chunk_mode mode) {
  if (text.empty()) return 0;
  if (mode == chunk_mode::lines) {
    // One trailing "\n" closes the last line rather than opening a new one.
    const auto newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    return newlines + (text.back() == '\n' ? 0 : 1);
  }
  std::size_t units = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += char_length(text, pos)) ++units;
  return units;
}

// ---- Jaro-Winkler ------------------------------------------------------------

// Reused match flags, so scoring many token/candidate pairs allocates rarely.
struct jaro_scratch {
  std::vector<char> a_matched;
  std::vector<char> b_matched;
};

double jaro(const std::u32string& a, const std::u32string& b, jaro_scratch& scratch,
            work_budget& budget) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (budget.spend(a.size() + b.size())) return 0.0;  // the flags below
  const std::size_t half = std::max(a.size(), b.size()) / 2;
  const std::size_t window = half > 0 ? half - 1 : 0;
  scratch.a_matched.assign(a.size(), 0);
  scratch.b_matched.assign(b.size(), 0);
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t from = i > window ? i - window : 0;
    const std::size_t to = std::min(i + window + 1, b.size());
    if (budget.spend(to - from + 1)) return 0.0;
    for (std::size_t j = from; j < to; ++j) {
      if (scratch.b_matched[j] || a[i] != b[j]) continue;
      scratch.a_matched[i] = scratch.b_matched[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  // Matched characters taken in order on both sides; each mismatch is half a transposition.
  std::size_t out_of_order = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!scratch.a_matched[i]) continue;
    while (!scratch.b_matched[j]) ++j;
    if (a[i] != b[j]) ++out_of_order;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double transpositions = static_cast<double>(out_of_order / 2);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - transpositions) / m) /
         3.0;
}

double jaro_winkler(const std::u32string& a, const std::u32string& b, jaro_scratch& scratch,
                    work_budget& budget) {
  const double score = jaro(a, b, scratch, budget);
  const std::size_t limit = std::min<std::size_t>({a.size(), b.size(), 4});
  std::size_t prefix = 0;
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  return score + static_cast<double>(prefix) * 0.1 * (1.0 - score);
}

// ---- match_enum --------------------------------------------------------------

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// Start of the last case-insensitive occurrence of `needle` (non-empty).
std::optional<std::size_t> last_occurrence(std::string_view text, std::string_view needle,
                                           work_budget& budget) {
  if (needle.size() > text.size()) return std::nullopt;
  for (std::size_t pos = text.size() - needle.size() + 1; pos-- > 0;) {
    if (budget.spend(needle.size())) return std::nullopt;
    if (equal_ignoring_case(text.substr(pos, needle.size()), needle)) return pos;
  }
  return std::nullopt;
}

std::optional<std::size_t> match_substring(std::string_view text,
                                           const std::string_view* candidates, std::size_t count,
                                           work_budget& budget) {
  std::optional<std::size_t> best;
  std::size_t best_pos = 0;
  for (std::size_t i = 0; i < count && !budget.exhausted(); ++i) {
    if (candidates[i].empty()) continue;
    const auto pos = last_occurrence(text, candidates[i], budget);
    if (pos && (!best || *pos > best_pos)) {
      best = i;
      best_pos = *pos;
    }
  }
  return best;
}

std::string_view trim_punctuation(std::string_view token) {
  while (!token.empty() && is_ascii_punct(token.front())) token.remove_prefix(1);
  while (!token.empty() && is_ascii_punct(token.back())) token.remove_suffix(1);
  return token;
}

// Calls visit(token) for each whitespace-separated token, punctuation trimmed.
template <typename Visit>
void for_each_token(std::string_view text, Visit&& visit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_ascii_space(text[pos])) ++pos;
    const std::size_t begin = pos;
    while (pos < text.size() && !is_ascii_space(text[pos])) ++pos;
    const std::string_view token = trim_punctuation(text.substr(begin, pos - begin));
    if (!token.empty()) visit(token);
  }
}

std::optional<std::size_t> match_fuzzy(std::string_view text, const std::string_view* candidates,
                                       std::size_t count, double threshold, work_budget& budget) {
  std::vector<std::u32string> lowered(count);
  for (std::size_t i = 0; i < count; ++i) decode(candidates[i], /*lower=*/true, lowered[i]);
  std::optional<std::size_t> best;
  double best_score = 0.0;
  std::u32string token_units;
  jaro_scratch scratch;
  for_each_token(text, [&](std::string_view token) {
    if (budget.exhausted()) return;
    decode(token, /*lower=*/true, token_units);
    for (std::size_t i = 0; i < count && !budget.exhausted(); ++i) {
      if (lowered[i].empty()) continue;
      const double score = jaro_winkler(token_units, lowered[i], scratch, budget);
      if (!(score >= threshold)) continue;  // also refuses a NaN threshold
      if (!best || score > best_score || (score == best_score && i < *best)) {
        best = i;
        best_score = score;
      }
    }
  });
  return best;
}

// ---- match_bool --------------------------------------------------------------

// 1 for a yes word, 0 for a no word, -1 for anything else.
int keyword_polarity(std::string_view word) {
  static constexpr std::array<std::string_view, 9> yes_words = {
      "approved", "yes", "ok", "accept", "pass", "confirm", "agree", "true", "lgtm"};
  static constexpr std::array<std::string_view, 8> no_words = {
      "rejected", "no", "deny", "block", "fail", "refuse", "disagree", "false"};
  constexpr std::size_t longest = 8;
  if (word.size() > longest) return -1;
  std::array<char, longest> buffer{};
  std::transform(word.begin(), word.end(), buffer.begin(), ascii_lower);
  const std::string_view lowered(buffer.data(), word.size());
  for (const auto yes : yes_words) {
    if (lowered == yes) return 1;
  }
  for (const auto no : no_words) {
    if (lowered == no) return 0;
  }
  return -1;
}

}  // namespace

// ---- chunker -----------------------------------------------------------------

chunker::chunker(std::string_view text, chunk_mode mode, int64_t size, int64_t overlap) noexcept
    : text_(text), mode_(mode) {
  if (size <= 0 || text.empty()) return;
  overlap = std::max<int64_t>(overlap, 0);
  size_ = static_cast<std::size_t>(size);
  step_ = overlap >= size ? 1 : static_cast<std::size_t>(size - overlap);
  total_units_ = count_units(text, mode);
  done_ = total_units_ == 0;
}

std::size_t chunker::count() const noexcept {
  if (total_units_ == 0 || size_ == 0) return 0;
  if (size_ >= total_units_) return 1;
  // Chunk k starts at k * step; the first one reaching the end is the last.
  return 1 + (total_units_ - size_ + step_ - 1) / step_;
}

std::size_t chunker::advance(std::size_t pos, std::size_t units) const noexcept {
  for (; units > 0 && pos < text_.size(); --units) {
    if (mode_ == chunk_mode::chars) {
      pos += char_length(text_, pos);
    } else {
      const std::size_t newline = text_.find('\n', pos);
      pos = newline == std::string_view::npos ? text_.size() : newline + 1;
    }
  }
  return pos;
}

// `pos` is where the unit after a chunk of lines starts: the chunk ends
// before the "\n" that precedes it (the text's end has none unless the text
// ends with "\n").
std::size_t chunker::line_end(std::size_t pos) const noexcept {
  return pos > 0 && text_[pos - 1] == '\n' ? pos - 1 : pos;
}

bool chunker::next(chunk_span& out) noexcept {
  if (done_) return false;
  const std::size_t remaining = total_units_ - first_unit_;
  const std::size_t stop_unit = size_ >= remaining ? total_units_ : first_unit_ + size_;
  // Both cursors only move forward, so a whole walk reads the text about twice.
  end_pos_ = advance(end_pos_, stop_unit - end_unit_);
  end_unit_ = stop_unit;
  const std::size_t stop = mode_ == chunk_mode::lines ? line_end(end_pos_) : end_pos_;
  out = chunk_span{first_pos_, stop - first_pos_};
  if (stop_unit == total_units_) {
    done_ = true;
  } else {
    first_pos_ = advance(first_pos_, step_);
    first_unit_ += step_;
  }
  return true;
}

// ---- public functions --------------------------------------------------------

std::size_t chunk_count(std::string_view text, chunk_mode mode, int64_t size,
                        int64_t overlap) noexcept {
  return chunker(text, mode, size, overlap).count();
}

std::vector<std::string> chunk(std::string_view text, chunk_mode mode, int64_t size,
                               int64_t overlap) {
  chunker chunks(text, mode, size, overlap);
  std::vector<std::string> out;
  out.reserve(chunks.count());
  chunk_span span;
  while (chunks.next(span)) out.emplace_back(text.substr(span.offset, span.length));
  return out;
}

double jaro_winkler(std::string_view a, std::string_view b) {
  std::u32string a_units;
  std::u32string b_units;
  decode(a, /*lower=*/false, a_units);
  decode(b, /*lower=*/false, b_units);
  jaro_scratch scratch;
  work_budget unlimited;
  return jaro_winkler(a_units, b_units, scratch, unlimited);
}

std::optional<std::size_t> match_enum(std::string_view text, const std::string_view* candidates,
                                      std::size_t count, double threshold, work_budget& budget) {
  const auto exact = match_substring(text, candidates, count, budget);
  if (budget.exhausted()) return std::nullopt;
  if (exact) return exact;
  auto fuzzy = match_fuzzy(text, candidates, count, threshold, budget);
  return budget.exhausted() ? std::nullopt : fuzzy;
}

std::optional<std::size_t> match_enum(std::string_view text,
                                      const std::vector<std::string>& candidates,
                                      double threshold) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  work_budget unlimited;
  return match_enum(text, views.data(), views.size(), threshold, unlimited);
}

std::optional<bool> match_bool(std::string_view text) noexcept {
  // Walk the words from the end: the first keyword met is the last one.
  std::size_t end = text.size();
  while (end > 0) {
    while (end > 0 && !is_word_char(text[end - 1])) --end;
    std::size_t begin = end;
    while (begin > 0 && is_word_char(text[begin - 1])) --begin;
    const int polarity = keyword_polarity(text.substr(begin, end - begin));
    if (polarity >= 0) return polarity == 1;
    end = begin;
  }
  return std::nullopt;
}

}  // namespace alc::text
