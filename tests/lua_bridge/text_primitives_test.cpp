#include "lua_bridge/text_primitives.hpp"

#include <limits>

#include "tests/lua_bridge/vm_test_support.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;
using strings = std::vector<std::string>;
using text::chunk_mode;

// ---- chunk -------------------------------------------------------------------

TEST_CASE("chunk returns nothing for a non-positive size or an empty text", "[text]") {
  CHECK(text::chunk("abc", chunk_mode::chars, 0, 0).empty());
  CHECK(text::chunk("abc", chunk_mode::lines, -3, 0).empty());
  CHECK(text::chunk("", chunk_mode::chars, 5, 0).empty());
  CHECK(text::chunk("", chunk_mode::lines, 5, 0).empty());
  CHECK(text::chunk_count("abc", chunk_mode::chars, 0, 0) == 0);
}

TEST_CASE("chunk in chars mode cuts fixed windows and a shorter tail", "[text]") {
  CHECK(text::chunk("abcdef", chunk_mode::chars, 3, 0) == strings{"abc", "def"});
  CHECK(text::chunk("abcde", chunk_mode::chars, 3, 0) == strings{"abc", "de"});
  CHECK(text::chunk("abc", chunk_mode::chars, 100, 0) == strings{"abc"});
  CHECK(text::chunk("abc", chunk_mode::chars, 1, 0) == strings{"a", "b", "c"});
}

TEST_CASE("chunk overlap shifts windows by size minus overlap", "[text]") {
  CHECK(text::chunk("abcdef", chunk_mode::chars, 4, 2) == strings{"abcd", "cdef"});
  CHECK(text::chunk("abcdefg", chunk_mode::chars, 4, 2) == strings{"abcd", "cdef", "efg"});
}

TEST_CASE("chunk steps by one when overlap reaches the size", "[text]") {
  CHECK(text::chunk("abc", chunk_mode::chars, 2, 3) == strings{"ab", "bc"});
  CHECK(text::chunk("abcd", chunk_mode::chars, 2, 2) == strings{"ab", "bc", "cd"});
  CHECK(text::chunk("a\nb\nc", chunk_mode::lines, 2, 5) == strings{"a\nb", "b\nc"});
}

TEST_CASE("chunk stops at the chunk that reaches the end", "[text]") {
  // No trailing "d" or "cd" after "bcd": those would be suffixes of it.
  CHECK(text::chunk("abcd", chunk_mode::chars, 3, 2) == strings{"abc", "bcd"});
  CHECK(text::chunk_count("abcd", chunk_mode::chars, 3, 2) == 2);
}

TEST_CASE("chunk in chars mode never splits a UTF-8 character", "[text]") {
  CHECK(text::chunk("あいうえお", chunk_mode::chars, 2, 0) == strings{"あい", "うえ", "お"});
  CHECK(text::chunk("aé€😀b", chunk_mode::chars, 2, 1) == strings{"aé", "é€", "€😀", "😀b"});
}

TEST_CASE("chunk in chars mode counts each invalid byte as one character", "[text]") {
  // A truncated 3-byte sequence, then ASCII: every byte is still covered once.
  const std::string broken = "\xE3\x81x";
  CHECK(text::chunk(broken, chunk_mode::chars, 1, 0) == strings{"\xE3", "\x81", "x"});
}

TEST_CASE("chunk in lines mode joins lines with newlines", "[text]") {
  CHECK(text::chunk("a\nb\nc\nd", chunk_mode::lines, 2, 0) == strings{"a\nb", "c\nd"});
  CHECK(text::chunk("a\nb\nc\nd\ne", chunk_mode::lines, 2, 0) == strings{"a\nb", "c\nd", "e"});
  CHECK(text::chunk("a\nb\nc\nd\ne", chunk_mode::lines, 3, 1) == strings{"a\nb\nc", "c\nd\ne"});
  CHECK(text::chunk("a\nb\nc", chunk_mode::lines, 100, 0) == strings{"a\nb\nc"});
}

TEST_CASE("chunk in lines mode treats one trailing newline as the end of the last line", "[text]") {
  CHECK(text::chunk("a\nb\n", chunk_mode::lines, 1, 0) == strings{"a", "b"});
  CHECK(text::chunk("a\nb\n", chunk_mode::lines, 5, 0) == strings{"a\nb"});
  CHECK(text::chunk("a\n\n", chunk_mode::lines, 1, 0) == strings{"a", ""});
  CHECK(text::chunk("\n", chunk_mode::lines, 3, 0) == strings{""});
}

TEST_CASE("chunk in lines mode keeps empty lines and carriage returns", "[text]") {
  CHECK(text::chunk("a\n\nb", chunk_mode::lines, 2, 0) == strings{"a\n", "b"});
  CHECK(text::chunk("a\r\nb\r\n", chunk_mode::lines, 1, 0) == strings{"a\r", "b\r"});
}

TEST_CASE("chunk_count agrees with the chunks built", "[text]") {
  const std::string sample = "one\ntwo\nthree\nfour\nfive\nsix\nseven";
  for (const auto mode : {chunk_mode::chars, chunk_mode::lines}) {
    for (int64_t size = 1; size <= 9; ++size) {
      for (int64_t overlap = 0; overlap <= 10; ++overlap) {
        INFO("size " << size << " overlap " << overlap);
        CHECK(text::chunk_count(sample, mode, size, overlap) ==
              text::chunk(sample, mode, size, overlap).size());
      }
    }
  }
}

TEST_CASE("chunk survives a huge size without overflowing", "[text]") {
  const int64_t huge = std::numeric_limits<int64_t>::max();
  CHECK(text::chunk("abc", chunk_mode::chars, huge, 0) == strings{"abc"});
  CHECK(text::chunk("abc", chunk_mode::lines, huge, huge) == strings{"abc"});
}

// ---- Jaro-Winkler --------------------------------------------------------------

TEST_CASE("jaro_winkler matches the textbook values", "[text]") {
  CHECK(text::jaro_winkler("MARTHA", "MARHTA") == Approx(0.9611).epsilon(1e-3));
  CHECK(text::jaro_winkler("DIXON", "DICKSONX") == Approx(0.8133).epsilon(1e-3));
  CHECK(text::jaro_winkler("DWAYNE", "DUANE") == Approx(0.84).epsilon(1e-3));
}

TEST_CASE("jaro_winkler handles identical, disjoint and empty strings", "[text]") {
  CHECK(text::jaro_winkler("same", "same") == 1.0);
  CHECK(text::jaro_winkler("abc", "xyz") == 0.0);
  CHECK(text::jaro_winkler("", "") == 1.0);
  CHECK(text::jaro_winkler("abc", "") == 0.0);
  CHECK(text::jaro_winkler("a", "a") == 1.0);
}

TEST_CASE("jaro_winkler compares characters, not bytes", "[text]") {
  // Bytewise, the shared UTF-8 lead byte of é and è would count as a match.
  CHECK(text::jaro_winkler("é", "è") == 0.0);
  CHECK(text::jaro_winkler("café", "cafe") == Approx(text::jaro_winkler("cafx", "cafe")));
}

// ---- match_enum ----------------------------------------------------------------

TEST_CASE("match_enum finds a candidate as a case-insensitive substring", "[text]") {
  const strings verdicts = {"PASS", "BLOCKED"};
  CHECK(text::match_enum("Verdict: BLOCKED. Fix the issues.", verdicts, 0.7) == 1u);
  CHECK(text::match_enum("verdict: pass. all good.", verdicts, 0.7) == 0u);
}

TEST_CASE("match_enum prefers the candidate whose last occurrence is latest", "[text]") {
  const strings verdicts = {"PASS", "BLOCKED"};
  CHECK(text::match_enum("Initially BLOCKED, but after review: PASS", verdicts, 0.7) == 0u);
  // PASS appears first and last; BLOCKED only in between.
  CHECK(text::match_enum("pass? blocked? no: pass", verdicts, 0.7) == 0u);
  CHECK(text::match_enum("pass, pass, then blocked", verdicts, 0.7) == 1u);
}

TEST_CASE("match_enum gives a tie in position to the first candidate", "[text]") {
  CHECK(text::match_enum("PASSED", strings{"PASS", "PASSED"}, 0.7) == 0u);
  CHECK(text::match_enum("PASSED", strings{"PASSED", "PASS"}, 0.7) == 0u);
}

TEST_CASE("match_enum falls back to Jaro-Winkler on whitespace tokens", "[text]") {
  const strings verdicts = {"PASS", "BLOCKED"};
  CHECK(text::match_enum("BLOKED", verdicts, 0.7) == 1u);
  CHECK(text::match_enum("After careful review the final verdict is BLCKED due to missing tests.",
                         verdicts, 0.7) == 1u);
}

TEST_CASE("match_enum strips punctuation from tokens before scoring", "[text]") {
  // "blokd" scores 0.93 against "blocked"; with the quotes and "!" kept it would score 0.78.
  const strings verdicts = {"accepted", "blocked"};
  CHECK(text::match_enum("verdict: \"blokd!\"", verdicts, 0.85) == 1u);
}

TEST_CASE("match_enum returns nothing when no token reaches the threshold", "[text]") {
  const strings verdicts = {"PASS", "BLOCKED"};
  CHECK_FALSE(text::match_enum("The weather is nice today", verdicts, 0.7));
  CHECK_FALSE(text::match_enum("BLOKED", verdicts, 0.99));
  CHECK_FALSE(text::match_enum("anything", strings{}, 0.7));
  CHECK_FALSE(text::match_enum("", verdicts, -1.0));
}

TEST_CASE("match_enum skips empty candidates", "[text]") {
  CHECK(text::match_enum("it is blocked", strings{"", "blocked"}, 0.7) == 1u);
  CHECK_FALSE(text::match_enum("nothing here", strings{""}, 0.0));
}

TEST_CASE("match_enum gives a tie in similarity to the first candidate", "[text]") {
  // "abX" scores the same against both candidates.
  CHECK(text::match_enum("abX", strings{"abY", "abZ"}, 0.5) == 0u);
  CHECK(text::match_enum("abX", strings{"abZ", "abY"}, 0.5) == 0u);
}

// ---- match_bool ----------------------------------------------------------------

TEST_CASE("match_bool reads yes and no keywords", "[text]") {
  CHECK(text::match_bool("Approved. The plan looks good.") == true);
  CHECK(text::match_bool("rejected: missing test coverage") == false);
  CHECK(text::match_bool("yes, that works") == true);
  CHECK(text::match_bool("LGTM") == true);
  CHECK(text::match_bool("I must refuse") == false);
}

TEST_CASE("match_bool lets the last keyword win", "[text]") {
  CHECK(text::match_bool("No issues found. Approved.") == true);
  CHECK(text::match_bool("I agree it looked ok at first, but FAIL") == false);
}

TEST_CASE("match_bool ignores keywords inside longer words", "[text]") {
  CHECK_FALSE(text::match_bool("We need to bypass the filter"));
  CHECK_FALSE(text::match_bool("The process failed gracefully"));
  CHECK_FALSE(text::match_bool("Great innovation in technology"));
  CHECK_FALSE(text::match_bool("This is a broken token"));
  CHECK_FALSE(text::match_bool("no_op and ok2"));
}

TEST_CASE("match_bool is case-insensitive and bounded by non-word characters", "[text]") {
  CHECK(text::match_bool("TRUE") == true);
  CHECK(text::match_bool("(False)") == false);
  CHECK(text::match_bool("verdict:Pass.") == true);
}

TEST_CASE("match_bool returns nothing without a keyword", "[text]") {
  CHECK_FALSE(text::match_bool("I need more information about the design"));
  CHECK_FALSE(text::match_bool(""));
}

// ---- through the VM ------------------------------------------------------------

TEST_CASE("alc.chunk splits text from Lua", "[text]") {
  vm_harness harness;
  CHECK(run_value(harness, "return alc.chunk('abcdef', {mode='chars', size=4, overlap=2})") ==
        json::array({"abcd", "cdef"}));
  CHECK(run_value(harness, "return alc.chunk('a\\nb\\nc\\nd', {size=2})") ==
        json::array({"a\nb", "c\nd"}));
  CHECK(run_value(harness, "return alc.chunk('あいう', {mode='chars', size=2})") ==
        json::array({"あい", "う"}));
  CHECK(run_value(harness, "return #alc.chunk('', {mode='chars', size=3})") == json(0));
  CHECK(run_value(harness, "return #alc.chunk('abc', {mode='chars', size=0})") == json(0));
}

TEST_CASE("alc.chunk defaults to 50-line chunks", "[text]") {
  vm_harness harness;
  const auto value = run_value(harness, R"(
    local lines = {}
    for i = 1, 120 do lines[i] = tostring(i) end
    local chunks = alc.chunk(table.concat(lines, "\n"))
    return {#chunks, select(2, chunks[3]:gsub("\n", "")) + 1})");
  CHECK(value == json::array({3, 20}));
}

TEST_CASE("alc.chunk refuses bad options with a clear error", "[text]") {
  vm_harness harness;
  const auto errors = run_value(harness, R"(
    local function err(...)
      local ok, e = pcall(alc.chunk, ...)
      return ok and "no error" or e
    end
    return {
      err("abc", {mode = "words"}),
      err("abc", {mode = 3}),
      err("abc", {size = "4"}),
      err("abc", {size = 1.5}),
      err("abc", {overlap = -1}),
      err("abc", 5),
      err(nil),
    })");
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("alc.chunk: mode must be"));
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("\"words\""));
  CHECK_THAT(errors[1].get<std::string>(), Catch::Contains("alc.chunk: mode must be"));
  CHECK_THAT(errors[2].get<std::string>(), Catch::Contains("alc.chunk: size must be an integer"));
  CHECK_THAT(errors[3].get<std::string>(), Catch::Contains("alc.chunk: size must be an integer"));
  CHECK_THAT(errors[4].get<std::string>(), Catch::Contains("alc.chunk: overlap must be >= 0"));
  CHECK_THAT(errors[5].get<std::string>(), Catch::Contains("alc.chunk: opts must be a table"));
  CHECK_THAT(errors[6].get<std::string>(), Catch::Contains("alc.chunk: text must be a string"));
}

TEST_CASE("alc.match_enum returns the candidate as given, or nil", "[text]") {
  vm_harness harness;
  const auto value = run_value(harness, R"(
    local verdicts = {"Pass", "Blocked"}
    return {
      alc.match_enum("initially BLOCKED, finally PASS", verdicts),
      alc.match_enum("BLOKED", verdicts),
      alc.match_enum("BLOKED", verdicts, {threshold = 0.99}) == nil,
      alc.match_enum("nice weather", verdicts) == nil,
    })");
  CHECK(value == json::array({"Pass", "Blocked", true, true}));
}

TEST_CASE("alc.match_enum refuses bad arguments with a clear error", "[text]") {
  vm_harness harness;
  const auto errors = run_value(harness, R"(
    local function err(...)
      local ok, e = pcall(alc.match_enum, ...)
      return ok and "no error" or e
    end
    return {
      err("x", "PASS"),
      err("x", {"PASS", 7}),
      err("x", {"PASS"}, {threshold = "high"}),
    })");
  CHECK_THAT(errors[0].get<std::string>(), Catch::Contains("alc.match_enum: candidates must be"));
  CHECK_THAT(errors[1].get<std::string>(),
             Catch::Contains("alc.match_enum: candidate 2 must be a string"));
  CHECK_THAT(errors[2].get<std::string>(),
             Catch::Contains("alc.match_enum: threshold must be a number"));
}

TEST_CASE("alc.match_bool returns true, false or nil", "[text]") {
  vm_harness harness;
  const auto value = run_value(harness, R"(
    return {
      alc.match_bool("LGTM, ship it"),
      alc.match_bool("No. Rejected."),
      alc.match_bool("we bypass it") == nil,
    })");
  CHECK(value == json::array({true, false, true}));
}
