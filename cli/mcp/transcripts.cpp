#include "cli/mcp/transcripts.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

namespace alc::cli::mcp {
namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Temporary file, then rename: a reader never sees half a log.
std::optional<std::string> write_file(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write " + temporary.string();
    out << text;
    if (!out) return "cannot write " + temporary.string();
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return "cannot rename " + temporary.string() + ": " + ec.message();
  return std::nullopt;
}

bool unsafe_component(const std::string& name) {
  return name.empty() || name.find('/') != std::string::npos ||
         name.find('\\') != std::string::npos || name.find("..") != std::string::npos ||
         name.find('\0') != std::string::npos;
}

int64_t tokens_of(const json& meta, const char* key) {
  const auto it = meta.find(key);
  if (it == meta.end()) return 0;
  if (it->is_object() && it->contains("tokens") && (*it)["tokens"].is_number_integer()) {
    return (*it)["tokens"].get<int64_t>();
  }
  return it->is_number_integer() ? it->get<int64_t>() : 0;
}

int64_t integer_of(const json& meta, const char* key) {
  const auto it = meta.find(key);
  return it != meta.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

struct log_file {
  fs::path path;
  fs::file_time_type modified;
};

/// `<sid>.json` logs, newest first.
std::vector<log_file> list_logs(const fs::path& dir) {
  std::vector<log_file> out;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    if (!item.is_regular_file(ec) || !ends_with(name, ".json") || ends_with(name, ".meta.json"))
      continue;
    out.push_back({item.path(), item.last_write_time(ec)});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.modified > b.modified; });
  return out;
}

fs::path meta_path_of(const fs::path& log) {
  std::string text = log.string();
  return text.substr(0, text.size() - 5) + ".meta.json";
}

/// The meta row of a log: its .meta.json, or the legacy fields of the log.
std::optional<json> meta_of(const fs::path& log) {
  if (auto text = read_file(meta_path_of(log))) {
    auto meta = parse_json_text(*text);
    if (meta && meta.value().is_object()) return std::move(meta).value();
  }
  auto text = read_file(log);
  if (!text) return std::nullopt;
  auto doc = parse_json_text(*text);
  if (!doc || !doc.value().is_object()) return std::nullopt;
  const json& body = doc.value();
  const json stats = body.value("stats", json::object());
  return json{{"session_id", body.value("session_id", log.stem().string())},
              {"task_hint", body.value("task_hint", json(nullptr))},
              {"elapsed_ms", stats.value("elapsed_ms", 0)},
              {"rounds", stats.value("rounds", 0)},
              {"llm_calls", stats.value("llm_calls", 0)},
              {"notes_count",
               body.contains("notes") && body["notes"].is_array() ? body["notes"].size() : 0}};
}

}  // namespace

log_settings resolve_log_settings(const std::string& flag_dir) {
  log_settings settings;
  if (const char* level = std::getenv("ALC_LOG_LEVEL")) {
    std::string text(level);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    settings.enabled = text != "off";
  }
  if (!flag_dir.empty()) {
    settings.dir = flag_dir;
    settings.source = "--log-dir";
  } else if (const char* env = std::getenv("ALC_LOG_DIR"); env != nullptr && *env != '\0') {
    settings.dir = env;
    settings.source = "ALC_LOG_DIR";
  } else if (const char* home = std::getenv("ALC_HOME"); home != nullptr && *home != '\0') {
    settings.dir = std::string(home) + "/logs";
    settings.source = "~/.algocline/logs";
  } else if (const char* user = std::getenv("HOME"); user != nullptr && *user != '\0') {
    settings.dir = std::string(user) + "/.algocline/logs";
    settings.source = "~/.algocline/logs";
  } else {
    settings.source = "none (stderr only)";
  }
  return settings;
}

std::optional<std::string> task_hint(const json& entries) {
  if (!entries.is_array() || entries.empty() || !entries[0].contains("prompt") ||
      !entries[0]["prompt"].is_string()) {
    return std::nullopt;
  }
  const std::string prompt = entries[0]["prompt"].get<std::string>();
  if (prompt.size() <= 100) return prompt;
  std::size_t cut = 100;
  while (cut > 0 && (static_cast<unsigned char>(prompt[cut]) & 0xC0) == 0x80) --cut;
  return prompt.substr(0, cut) + "...";
}

std::optional<std::string> write_transcript(const log_settings& settings,
                                            const transcript_record& record) {
  if (!settings.enabled || !settings.dir) return std::nullopt;
  if (unsafe_component(record.session_id)) return "invalid session id for a log file";
  std::error_code ec;
  fs::create_directories(*settings.dir, ec);
  if (ec) return "log dir " + *settings.dir + ": " + ec.message();
  const auto hint = task_hint(record.entries);
  const json strategy = record.strategy ? json(*record.strategy) : json(nullptr);
  const json hint_value = hint ? json(*hint) : json(nullptr);
  const json log = {{"session_id", record.session_id},
                    {"strategy", strategy},
                    {"task_hint", hint_value},
                    {"stats", record.stats},
                    {"transcript", record.entries}};
  const auto& stats = record.stats;
  const json meta = {{"session_id", record.session_id},
                     {"strategy", strategy},
                     {"task_hint", hint_value},
                     {"elapsed_ms", stats.value("elapsed_ms", 0)},
                     {"rounds", stats.value("rounds", 0)},
                     {"llm_calls", stats.value("llm_calls", 0)},
                     {"total_prompt_chars", stats.value("total_prompt_chars", 0)},
                     {"total_response_chars", stats.value("total_response_chars", 0)},
                     {"prompt_tokens", stats.value("prompt_tokens", json(nullptr))},
                     {"response_tokens", stats.value("response_tokens", json(nullptr))},
                     {"total_tokens", stats.value("total_tokens", json(nullptr))},
                     {"notes_count", 0}};
  const fs::path base = fs::path(*settings.dir) / record.session_id;
  if (auto problem = write_file(base.string() + ".json",
                                log.dump(2, ' ', false, json::error_handler_t::replace))) {
    return problem;
  }
  return write_file(base.string() + ".meta.json", to_json_text(meta));
}

tool_reply log_view(tool_arguments& args, const log_settings& settings) {
  const auto session_id = args.optional_string("session_id");
  const auto limit = args.optional_unsigned("limit").value_or(50);
  const auto max_chars = args.optional_unsigned("max_chars").value_or(100000);
  if (!args.ok()) return tool_reply::fail(args.error());
  const bool available = settings.enabled && settings.dir;
  if (!session_id) {
    json rows = json::array();
    if (available) {
      for (const auto& log : list_logs(*settings.dir)) {
        if (rows.size() >= limit) break;
        if (auto meta = meta_of(log.path)) rows.push_back(std::move(*meta));
      }
    }
    return tool_reply::ok({{"sessions", std::move(rows)}});
  }
  if (!available)
    return tool_reply::fail("File logging is not available (no writable log directory)");
  if (unsafe_component(*session_id)) {
    return tool_reply::fail("Invalid path component in '" + *session_id +
                            ".json': path traversal detected");
  }
  const auto text = read_file(fs::path(*settings.dir) / (*session_id + ".json"));
  if (!text) return tool_reply::fail("Log file not found for session '" + *session_id + "'");
  if (max_chars == 0 || text->size() <= max_chars) return {*text, false};
  auto doc = parse_json_text(*text);
  if (!doc || !doc.value().is_object()) {
    return tool_reply::fail("Failed to parse log: " +
                            (doc ? std::string("not an object") : doc.error().message));
  }
  json log = std::move(doc).value();
  json& entries = log["transcript"];
  if (!entries.is_array()) entries = json::array();
  const std::size_t original = entries.size();
  // Oldest first out, until the text fits (or nothing is left to drop).
  std::string out;
  for (;;) {
    log["truncated"] = true;
    log["original_rounds"] = original;
    log["returned_rounds"] = entries.size();
    out = log.dump(2, ' ', false, json::error_handler_t::replace);
    if (out.size() <= max_chars || entries.empty()) break;
    entries.erase(entries.begin());
  }
  return {out, false};
}

tool_reply log_stats(tool_arguments& args, const log_settings& settings) {
  const auto strategy = args.optional_string("strategy");
  const auto days = args.optional_unsigned("days");
  if (!args.ok()) return tool_reply::fail(args.error());
  struct totals {
    int64_t count = 0, elapsed = 0, calls = 0, rounds = 0, prompt_chars = 0, response_chars = 0,
            prompt_tokens = 0, response_tokens = 0, tokens = 0;
  };
  std::map<std::string, totals> by_strategy;
  int64_t total = 0;
  if (settings.enabled && settings.dir) {
    const auto now = fs::file_time_type::clock::now();
    for (const auto& log : list_logs(*settings.dir)) {
      if (days && now - log.modified > std::chrono::hours{24} * static_cast<int64_t>(*days))
        continue;
      const auto meta = meta_of(log.path);
      if (!meta) continue;
      const auto name_field = meta->find("strategy");
      const std::string name = name_field != meta->end() && name_field->is_string()
                                   ? name_field->get<std::string>()
                                   : "unknown";
      if (strategy && *strategy != name) continue;
      auto& t = by_strategy[name];
      ++t.count;
      ++total;
      t.elapsed += integer_of(*meta, "elapsed_ms");
      t.calls += integer_of(*meta, "llm_calls");
      t.rounds += integer_of(*meta, "rounds");
      t.prompt_chars += integer_of(*meta, "total_prompt_chars");
      t.response_chars += integer_of(*meta, "total_response_chars");
      t.prompt_tokens += tokens_of(*meta, "prompt_tokens");
      t.response_tokens += tokens_of(*meta, "response_tokens");
      t.tokens += tokens_of(*meta, "total_tokens");
    }
  }
  const auto mean = [](int64_t sum, int64_t count) {
    return count == 0 ? 0 : static_cast<int64_t>((static_cast<double>(sum) / count) + 0.5);
  };
  json strategies = json::object();
  for (const auto& [name, t] : by_strategy) {
    strategies[name] = {{"count", t.count},
                        {"avg_elapsed_ms", mean(t.elapsed, t.count)},
                        {"avg_llm_calls", mean(t.calls, t.count)},
                        {"avg_rounds", mean(t.rounds, t.count)},
                        {"total_prompt_chars", t.prompt_chars},
                        {"total_response_chars", t.response_chars},
                        {"total_prompt_tokens", t.prompt_tokens},
                        {"total_response_tokens", t.response_tokens},
                        {"total_tokens", t.tokens}};
  }
  return tool_reply::ok(
      {{"total_sessions", total}, {"strategies", strategies}, {"card_sinks", json::array()}});
}

}  // namespace alc::cli::mcp
