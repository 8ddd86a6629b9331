#include "oracle/script.h"

#include <sqlite3.h>

#include <cctype>

namespace strata::oracle {

namespace {

// Offset of the first character of sql[from..] that is not a blank or inside a comment;
// sql.size() if there is none.
size_t skip_blanks(std::string_view sql, size_t from) {
  size_t i = from;
  while (i < sql.size()) {
    unsigned char c = static_cast<unsigned char>(sql[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

std::string_view trim_statement(std::string_view text) {
  while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())))) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.back() == ';') text.remove_suffix(1);
  while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

bool is_blank_sql(std::string_view sql) { return skip_blanks(sql, 0) == sql.size(); }

std::vector<ScriptStatement> split_statements(std::string_view script) {
  std::vector<ScriptStatement> out;
  size_t start = 0;
  int start_line = 1;  // line of script[start]
  auto emit = [&](size_t end) {
    size_t first = skip_blanks(script, start);
    if (first < end) {
      int line = start_line;
      for (size_t i = start; i < first; ++i) line += script[i] == '\n';
      std::string_view text = trim_statement(script.substr(first, end - first));
      if (!text.empty()) out.push_back({std::string(text), line});
    }
    for (size_t i = start; i < end; ++i) start_line += script[i] == '\n';
    start = end;
  };
  for (size_t i = 0; i < script.size(); ++i) {
    if (script[i] != ';') continue;
    std::string candidate(script.substr(start, i + 1 - start));
    if (sqlite3_complete(candidate.c_str())) emit(i + 1);
  }
  if (start < script.size()) emit(script.size());
  return out;
}

}  // namespace strata::oracle
