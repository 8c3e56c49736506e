#pragma once
// Session logs in algocline's layout: `<log dir>/<sid>.json` (the
// transcript) and `<sid>.meta.json` (its summary row), written when a
// legacy session with at least one LLM call ends; read by alc_log_view and
// alc_stats. Plain files, no runtime.

#include <optional>
#include <string>

#include "cli/mcp/tool_arguments.hpp"
#include "cli/mcp/tool_reply.hpp"

namespace alc::cli::mcp {

struct log_settings {
  std::optional<std::string> dir;  ///< none: file logging is off
  std::string source;              ///< `--log-dir`, `ALC_LOG_DIR`, `~/.algocline/logs`, `none`
  bool enabled = true;             ///< ALC_LOG_LEVEL=off turns it off
};

/// `--log-dir`, else ALC_LOG_DIR, else $ALC_HOME/logs, else ~/.algocline/logs.
log_settings resolve_log_settings(const std::string& flag_dir);

struct transcript_record {
  std::string session_id;
  std::optional<std::string> strategy;
  json stats;    ///< stats.auto
  json entries;  ///< [{query_id, prompt, system, response}]
};

/// The first prompt cut to 100 bytes at a character boundary, `...` added.
std::optional<std::string> task_hint(const json& entries);

/// Writes both files; the warning text when that failed.
std::optional<std::string> write_transcript(const log_settings& settings,
                                            const transcript_record& record);

tool_reply log_view(tool_arguments& args, const log_settings& settings);
tool_reply log_stats(tool_arguments& args, const log_settings& settings);

}  // namespace alc::cli::mcp
