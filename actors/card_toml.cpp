// toml++ is header-heavy: it is included here and nowhere else. It reads
// cards; writing is ours, because the Debian build of toml++ prints floats
// with 17 digits (0.1 as 0.10000000000000001), and a card is read by people.
#include "actors/card_toml.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

#include "actors/card_text.hpp"

namespace alc::card_toml {
namespace {

using nlohmann::json;

// TOML cannot hold these: they are left out, as a null is.
bool absent(const json& value) {
  return value.is_null() || (value.is_number_float() && !std::isfinite(value.get<double>()));
}

// A non-empty array whose present elements are all tables: `[[name]]` sections.
bool is_table_array(const json& value) {
  if (!value.is_array()) return false;
  bool any = false;
  for (const auto& item : value) {
    if (absent(item)) continue;
    if (!item.is_object()) return false;
    any = true;
  }
  return any;
}

void write_string(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void write_key(std::string& out, const std::string& key) {
  bool bare = !key.empty();
  for (const char c : key) {
    const bool word = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    bare = bare && word;
  }
  if (bare) {
    out += key;
  } else {
    write_string(out, key);
  }
}

void write_inline(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (absent(*it)) continue;
        out += first ? " " : ", ";
        first = false;
        write_key(out, it.key());
        out += " = ";
        write_inline(out, *it);
      }
      out += first ? "}" : " }";
      break;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (absent(item)) continue;
        out += first ? " " : ", ";
        first = false;
        write_inline(out, item);
      }
      out += first ? "]" : " ]";
      break;
    }
    case json::value_t::string:
      write_string(out, value.get_ref<const std::string&>());
      break;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      break;
    case json::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      break;
    case json::value_t::number_unsigned: {
      const auto n = value.get<uint64_t>();
      // Past TOML's 64-bit signed integers, the nearest float.
      out += n <= static_cast<uint64_t>(INT64_MAX)
                 ? std::to_string(n)
                 : card_text::shortest_float(static_cast<double>(n));
      break;
    }
    case json::value_t::number_float:
      out += card_text::shortest_float(value.get<double>());
      break;
    default:
      break;  // absent values never get here
  }
}

std::string header(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& key : path) {
    if (!out.empty()) out += '.';
    write_key(out, key);
  }
  return out;
}

void open_section(std::string& out, const std::string& brackets_open, const std::string& name,
                  const std::string& brackets_close) {
  if (!out.empty()) out += '\n';
  out += brackets_open + name + brackets_close + "\n";
}

// A table's plain values, then its sub-tables, then its arrays of tables:
// after a header, every `key = value` belongs to it.
void write_table(std::string& out, std::vector<std::string>& path, const json& table) {
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (absent(*it) || it->is_object() || is_table_array(*it)) continue;
    write_key(out, it.key());
    out += " = ";
    write_inline(out, *it);
    out += '\n';
  }
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (!it->is_object()) continue;
    path.push_back(it.key());
    open_section(out, "[", header(path), "]");
    write_table(out, path, *it);
    path.pop_back();
  }
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (!is_table_array(*it)) continue;
    path.push_back(it.key());
    const std::string name = header(path);
    for (const auto& item : *it) {
      if (absent(item)) continue;
      open_section(out, "[[", name, "]]");
      write_table(out, path, item);
    }
    path.pop_back();
  }
}

json to_json(const toml::node& node) {
  if (const auto* table = node.as_table()) {
    json out = json::object();
    for (const auto& [key, item] : *table) out[std::string(key.str())] = to_json(item);
    return out;
  }
  if (const auto* array = node.as_array()) {
    json out = json::array();
    for (const auto& item : *array) out.push_back(to_json(item));
    return out;
  }
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* integer = node.as_integer()) return integer->get();
  if (const auto* number = node.as_floating_point()) {
    const double value = number->get();
    return std::isfinite(value) ? json(value) : json();  // TOML's nan/inf: no JSON form
  }
  if (const auto* flag = node.as_boolean()) return flag->get();
  // Dates and times: their TOML text.
  std::ostringstream text;
  node.visit([&text](const auto& value) { text << value; });
  return text.str();
}

}  // namespace

std::string write(const nlohmann::json& object) {
  std::string out;
  std::vector<std::string> path;
  write_table(out, path, object);
  return out;
}

std::variant<nlohmann::json, std::string> read(std::string_view text) {
  try {
    const toml::table table = toml::parse(text);
    return to_json(table);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return std::string(error.description()) + " (line " + std::to_string(where.line) + ", column " +
           std::to_string(where.column) + ")";
  } catch (const std::exception& error) {
    return std::string(error.what());
  }
}

}  // namespace alc::card_toml
