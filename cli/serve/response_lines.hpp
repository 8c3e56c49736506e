#pragma once
// The lines `alc serve` writes: responses and events (docs/protocol.md).
// Each is assembled from compact parts so that `id` comes first (nlohmann
// objects would sort the keys).

#include <string>

#include <alc/alc.hpp>

namespace alc::cli {

/// {"id": ..., "ok": value}
std::string ok_line(const nlohmann::json& id, const nlohmann::json& value);
/// {"id": ..., "error": error}
std::string error_line(const nlohmann::json& id, const nlohmann::json& error);
/// {"event": ..., "session_id": ...}
std::string event_line(const std::string& session_id, const session_event& event);

/// {"code": ..., "message": ...}
nlohmann::json error_value(const std::string& code, const std::string& message);
/// An alc verb error keeps its code (and `actual`); anything else from CAF,
/// e.g. a registry that already stopped, is `internal`.
nlohmann::json error_value(const caf::error& error);

}  // namespace alc::cli
