#include "cli/records.h"

namespace strata::cli {

namespace {

bool bare(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_.:/+-,()'@#").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string quoted(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::string render_value(const nlohmann::ordered_json& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    return bare(s) ? s : quoted(s);
  }
  if (value.is_null()) return "null";
  if (value.is_structured()) return quoted(value.dump());
  return value.dump();
}

std::string render_lines(const std::vector<Record>& records) {
  std::string out;
  for (const Record& record : records) {
    bool first = true;
    for (const auto& [key, value] : record.items()) {
      if (!first) out += ' ';
      first = false;
      out += bare(key) ? key : quoted(key);
      out += '=';
      out += render_value(value);
    }
    out += '\n';
  }
  return out;
}

std::string render_json(const std::vector<Record>& records) {
  std::string out = "[";
  for (size_t i = 0; i < records.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    out += records[i].dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  out += records.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace strata::cli
