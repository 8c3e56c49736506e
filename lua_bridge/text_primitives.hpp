#pragma once
// The text helpers behind alc.chunk, alc.match_enum and alc.match_bool
// (lua-api.md, Layer 0). Pure C++ without Lua, so the bindings and the tests
// share one implementation.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lua_bridge/work_budget.hpp"

namespace alc::text {

enum class chunk_mode { lines, chars };

/// One chunk as a byte range of the chunked text.
struct chunk_span {
  std::size_t offset = 0;
  std::size_t length = 0;
};

/// Walks the chunks of a text without allocating: the byte-range form of
/// `chunk`. Units are UTF-8 characters (chars mode) or lines (lines mode).
///
/// Lines are split on "\n" only, as algocline does: a "\r" stays part of its
/// line, and one trailing "\n" ends the last line instead of opening an empty
/// one ("a\nb\n" has the two lines "a" and "b"; "a\n\n" has "a" and "").
/// A chunk of lines is the lines joined by "\n", which is exactly the text
/// between the first line's start and the last line's end, so every chunk is
/// a contiguous range of the original text.
///
/// In chars mode a unit is one UTF-8 sequence; a byte that does not start a
/// valid sequence counts as a character of its own, so invalid input is
/// still covered and a valid multi-byte character is never split.
class chunker {
 public:
  /// `size` <= 0 or an empty text yields no chunk. The step between chunk
  /// starts is `size - overlap`, or 1 when `overlap >= size`; a negative
  /// overlap counts as 0.
  chunker(std::string_view text, chunk_mode mode, int64_t size, int64_t overlap) noexcept;

  /// The next chunk; false once the last one (the one reaching the end of
  /// the text) has been returned.
  bool next(chunk_span& out) noexcept;

  /// How many chunks the walk yields in all.
  std::size_t count() const noexcept;

 private:
  std::size_t advance(std::size_t pos, std::size_t units) const noexcept;
  std::size_t line_end(std::size_t pos) const noexcept;

  std::string_view text_;
  chunk_mode mode_;
  std::size_t size_ = 0;
  std::size_t step_ = 1;
  std::size_t total_units_ = 0;
  std::size_t first_unit_ = 0;  ///< unit index where the next chunk starts
  std::size_t first_pos_ = 0;   ///< byte offset of that unit
  std::size_t end_unit_ = 0;    ///< unit index just past the previous chunk
  std::size_t end_pos_ = 0;     ///< byte offset of that unit (text size at the end)
  bool done_ = true;
};

// Lua C functions keep a chunker alive across calls that may longjmp.
static_assert(std::is_trivially_destructible_v<chunker>);

/// How many chunks `chunk` returns, without building them.
std::size_t chunk_count(std::string_view text, chunk_mode mode, int64_t size,
                        int64_t overlap) noexcept;

/// Splits `text` into chunks of `size` units, successive chunks starting
/// `size - overlap` units apart (see `chunker` for the exact rules). The last
/// chunk may be shorter; no chunk is a mere suffix of the one before it.
std::vector<std::string> chunk(std::string_view text, chunk_mode mode, int64_t size,
                               int64_t overlap);

/// Jaro-Winkler similarity in [0, 1] over Unicode code points (invalid UTF-8
/// bytes count as one character each), case-sensitive. Prefix scale 0.1,
/// prefix of at most 4, applied whatever the Jaro score (as strsim does).
/// Two empty strings are identical (1.0); one empty string scores 0.0.
double jaro_winkler(std::string_view a, std::string_view b);

/// Index of the candidate `text` names, or nullopt.
///  1. Case-insensitive (ASCII) substring match; when several candidates
///     occur, the one whose last occurrence starts latest wins.
///  2. Otherwise the candidate with the best Jaro-Winkler similarity to any
///     whitespace-separated token of `text` (ASCII punctuation trimmed from
///     both ends of the token, both sides lowercased), if >= `threshold`.
/// Empty candidates never match. Ties go to the earlier candidate.
/// Its work is about |text| times the candidates' total size, so it spends
/// `budget` and returns nullopt once that is exhausted.
/// May throw std::bad_alloc (the fuzzy phase decodes code points).
std::optional<std::size_t> match_enum(std::string_view text, const std::string_view* candidates,
                                      std::size_t count, double threshold, work_budget& budget);
std::optional<std::size_t> match_enum(std::string_view text,
                                      const std::vector<std::string>& candidates, double threshold);

/// Polarity of the last whole-word yes/no keyword in `text`, or nullopt.
/// yes: approved yes ok accept pass confirm agree true lgtm;
/// no: rejected no deny block fail refuse disagree false.
/// Case-insensitive; words are runs of ASCII letters, digits and '_', so
/// "bypass", "failed" and "no_op" contain no keyword.
std::optional<bool> match_bool(std::string_view text) noexcept;

}  // namespace alc::text
