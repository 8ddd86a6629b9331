#include "cli/output.h"

#include <algorithm>
#include <cmath>

#include "engine/exec/real_format.h"

namespace strata::cli {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Box-drawing pieces (UTF-8), named as in sqlite3's shell.c by the sides they join:
// 1 up, 2 right, 3 down, 4 left.
constexpr std::string_view kBox24 = "\u2500";    // ─
constexpr std::string_view kBox13 = "\u2502";    // │
constexpr std::string_view kBox23 = "\u250c";    // ┌
constexpr std::string_view kBox34 = "\u2510";    // ┐
constexpr std::string_view kBox12 = "\u2514";    // └
constexpr std::string_view kBox14 = "\u2518";    // ┘
constexpr std::string_view kBox123 = "\u251c";   // ├
constexpr std::string_view kBox134 = "\u2524";   // ┤
constexpr std::string_view kBox234 = "\u252c";   // ┬
constexpr std::string_view kBox124 = "\u2534";   // ┴
constexpr std::string_view kBox1234 = "\u253c";  // ┼

std::string_view cut_at_nul(std::string_view s) { return s.substr(0, s.find('\0')); }

// sqlite3's output_quoted_string: 'text' with every ' doubled.
void quoted_string(std::string_view z, std::string* out) {
  *out += '\'';
  for (char c : z) {
    *out += c;
    if (c == '\'') *out += '\'';
  }
  *out += '\'';
}

// sqlite3's output_json_string: bytes >= 0x80 pass through; control bytes are escaped.
void json_string(std::string_view z, std::string* out) {
  *out += '"';
  for (char ch : z) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\\' || c == '"') {
      *out += '\\';
      *out += ch;
    } else if (c <= 0x1f) {
      *out += '\\';
      switch (c) {
        case '\b':
          *out += 'b';
          break;
        case '\f':
          *out += 'f';
          break;
        case '\n':
          *out += 'n';
          break;
        case '\r':
          *out += 'r';
          break;
        case '\t':
          *out += 't';
          break;
        default:
          *out += "u00";
          *out += kHex[c >> 4];
          *out += kHex[c & 15];
      }
    } else {
      *out += ch;
    }
  }
  *out += '"';
}

// sqlite3's needCsvQuote: control bytes, space, '"', '\'', 0x7f and every byte >= 0x80.
bool needs_csv_quote(unsigned char c) { return c < 0x21 || c == '"' || c == '\'' || c >= 0x7f; }

// sqlite3's output_csv with "," as the separator and "" for NULL.
void csv_field(const std::optional<std::string>& z, std::string* out) {
  if (!z) return;
  bool quote = z->empty() || z->find(',') != std::string::npos;
  for (char c : *z) quote = quote || needs_csv_quote(static_cast<unsigned char>(c));
  if (!quote) {
    *out += *z;
    return;
  }
  *out += '"';
  for (char c : *z) {
    *out += c;
    if (c == '"') *out += '"';
  }
  *out += '"';
}

std::string real_g20_or_infinity(double r) {
  if (std::isinf(r)) return r > 0 ? "1e999" : "-1e999";
  return exec::format_real_g20(r);
}

// Characters as sqlite3 counts them for widths: bytes that do not continue a UTF-8 sequence.
size_t char_count(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

// sqlite3's translateForDisplayAndDup applied until the value is used up: the display lines
// of a box cell. A line ends at any control byte but a tab ("\r\n" counts once); tabs become
// spaces up to the next multiple of 8.
std::vector<std::string> display_lines(std::string_view z) {
  std::vector<std::string> lines;
  size_t i = 0;
  while (true) {
    std::string line;
    size_t n = 0;
    while (i < z.size()) {
      auto c = static_cast<unsigned char>(z[i]);
      if (c >= ' ') {
        ++n;
        do {
          line += z[i++];
        } while (i < z.size() && (static_cast<unsigned char>(z[i]) & 0xc0) == 0x80);
        continue;
      }
      if (c == '\t') {
        do {
          ++n;
          line += ' ';
        } while ((n & 7) != 0);
        ++i;
        continue;
      }
      break;
    }
    lines.push_back(std::move(line));
    if (i >= z.size()) break;
    i += (z[i] == '\r' && i + 1 < z.size() && z[i + 1] == '\n') ? 2 : 1;
    if (i >= z.size()) break;
  }
  return lines;
}

void repeat(std::string_view piece, size_t times, std::string* out) {
  for (size_t i = 0; i < times; ++i) *out += piece;
}

}  // namespace

std::optional<OutputMode> parse_output_mode(std::string_view name) {
  if (name == "list") return OutputMode::kList;
  if (name == "tsv" || name == "tabs") return OutputMode::kTabs;
  if (name == "csv") return OutputMode::kCsv;
  if (name == "box") return OutputMode::kBox;
  if (name == "json") return OutputMode::kJson;
  if (name == "quote") return OutputMode::kQuote;
  return std::nullopt;
}

std::string_view output_mode_name(OutputMode mode) {
  switch (mode) {
    case OutputMode::kList:
      return "list";
    case OutputMode::kTabs:
      return "tsv";
    case OutputMode::kCsv:
      return "csv";
    case OutputMode::kBox:
      return "box";
    case OutputMode::kJson:
      return "json";
    case OutputMode::kQuote:
      return "quote";
  }
  return "list";
}

std::optional<std::string> column_text(const Value& value) {
  switch (value.type()) {
    case ValueType::kNull:
      return std::nullopt;
    case ValueType::kInteger:
      return std::to_string(value.as_integer());
    case ValueType::kReal:
      return exec::format_real_g15(value.as_real());
    case ValueType::kText:
    case ValueType::kBlob:
      return std::string(cut_at_nul(value.bytes()));
  }
  return std::nullopt;
}

void ResultFormatter::row(const std::vector<std::string>& names, const std::vector<Value>& values) {
  std::string& out = *out_;
  bool first = rows_++ == 0;
  switch (mode_) {
    case OutputMode::kList:
    case OutputMode::kTabs: {
      std::string_view sep = mode_ == OutputMode::kList ? "|" : "\t";
      if (first && headers_) {
        for (size_t i = 0; i < names.size(); ++i) {
          out += cut_at_nul(names[i]);
          out += i + 1 == names.size() ? "\n" : sep;
        }
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (std::optional<std::string> z = column_text(values[i])) out += *z;
        out += i + 1 == values.size() ? "\n" : sep;
      }
      break;
    }
    case OutputMode::kCsv: {
      if (first && headers_) {
        for (size_t i = 0; i < names.size(); ++i) {
          csv_field(std::string(cut_at_nul(names[i])), &out);
          if (i + 1 < names.size()) out += ',';
        }
        out += "\r\n";
      }
      for (size_t i = 0; i < values.size(); ++i) {
        csv_field(column_text(values[i]), &out);
        if (i + 1 < values.size()) out += ',';
      }
      out += "\r\n";
      break;
    }
    case OutputMode::kQuote: {
      if (first && headers_) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (i > 0) out += ',';
          quoted_string(cut_at_nul(names[i]), &out);
        }
        out += '\n';
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        const Value& v = values[i];
        switch (v.type()) {
          case ValueType::kNull:
            out += "NULL";
            break;
          case ValueType::kInteger:
            out += std::to_string(v.as_integer());
            break;
          case ValueType::kReal:
            out += exec::format_real_g20(v.as_real());
            break;
          case ValueType::kText:
            quoted_string(cut_at_nul(v.as_text()), &out);
            break;
          case ValueType::kBlob:
            out += "X'";
            for (char c : v.as_blob()) {
              out += kHex[static_cast<unsigned char>(c) >> 4];
              out += kHex[static_cast<unsigned char>(c) & 15];
            }
            out += '\'';
            break;
        }
      }
      out += '\n';
      break;
    }
    case OutputMode::kJson: {
      out += first ? "[{" : ",\n{";
      for (size_t i = 0; i < values.size(); ++i) {
        json_string(cut_at_nul(names[i]), &out);
        out += ':';
        const Value& v = values[i];
        switch (v.type()) {
          case ValueType::kNull:
            out += "null";
            break;
          case ValueType::kInteger:
            out += std::to_string(v.as_integer());
            break;
          case ValueType::kReal:
            out += real_g20_or_infinity(v.as_real());
            break;
          case ValueType::kText:
            json_string(cut_at_nul(v.as_text()), &out);
            break;
          case ValueType::kBlob:
            json_string(v.as_blob(), &out);
            break;
        }
        if (i + 1 < values.size()) out += ',';
      }
      out += '}';
      break;
    }
    case OutputMode::kBox: {
      if (first) {
        for (const std::string& name : names) {
          box_header_.push_back(display_lines(cut_at_nul(name)).front());
        }
      }
      std::vector<std::string> cells;
      cells.reserve(values.size());
      for (const Value& v : values) cells.push_back(column_text(v).value_or(""));
      box_row_lines(cells);
      break;
    }
  }
}

void ResultFormatter::box_row_lines(const std::vector<std::string>& cells) {
  std::vector<std::vector<std::string>> split;
  size_t height = 1;
  for (const std::string& cell : cells) {
    split.push_back(display_lines(cell));
    height = std::max(height, split.back().size());
  }
  if (height > 1) box_multiline_ = true;
  for (size_t line = 0; line < height; ++line) {
    std::vector<std::string> display;
    for (const auto& pieces : split) display.push_back(line < pieces.size() ? pieces[line] : "");
    box_lines_.push_back(std::move(display));
    box_row_ends_.push_back(line + 1 == height);
  }
}

void ResultFormatter::finish() {
  if (rows_ == 0) return;
  if (mode_ == OutputMode::kJson) *out_ += "]\n";
  if (mode_ == OutputMode::kBox) draw_box();
}

void ResultFormatter::draw_box() {
  std::string& out = *out_;
  size_t columns = box_header_.size();
  if (columns == 0) return;
  std::vector<size_t> widths(columns, 0);
  for (size_t i = 0; i < columns; ++i) widths[i] = char_count(box_header_[i]);
  for (const auto& line : box_lines_) {
    for (size_t i = 0; i < columns; ++i) widths[i] = std::max(widths[i], char_count(line[i]));
  }
  auto separator = [&](std::string_view left, std::string_view middle, std::string_view right) {
    out += left;
    for (size_t i = 0; i < columns; ++i) {
      if (i > 0) out += middle;
      repeat(kBox24, widths[i] + 2, &out);
    }
    out += right;
    out += '\n';
  };
  separator(kBox23, kBox234, kBox34);
  out += kBox13;
  out += ' ';
  for (size_t i = 0; i < columns; ++i) {
    size_t n = char_count(box_header_[i]);
    out.append((widths[i] - n) / 2, ' ');
    out += box_header_[i];
    out.append((widths[i] - n + 1) / 2, ' ');
    out += ' ';
    out += kBox13;
    out += i + 1 == columns ? "\n" : " ";
  }
  separator(kBox123, kBox1234, kBox134);
  for (size_t r = 0; r < box_lines_.size(); ++r) {
    out += kBox13;
    out += ' ';
    for (size_t i = 0; i < columns; ++i) {
      const std::string& cell = box_lines_[r][i];
      out += cell;
      out.append(widths[i] - char_count(cell), ' ');
      out += ' ';
      out += kBox13;
      out += i + 1 == columns ? "\n" : " ";
    }
    if (box_multiline_ && box_row_ends_[r] && r + 1 < box_lines_.size()) {
      separator(kBox123, kBox1234, kBox134);
    }
  }
  separator(kBox12, kBox124, kBox14);
}

}  // namespace strata::cli
