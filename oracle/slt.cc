#include "oracle/slt.h"

#include <fmt/core.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "oracle/md5.h"

namespace strata::oracle {

std::string SltRecord::command() const {
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

namespace {

struct Line {
  std::string_view text;
  int number;
};

// Up to four blank-separated tokens, as the reference's tokenizeLine().
std::vector<std::string> tokenize(std::string_view line) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (tokens.size() < 4) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    tokens.emplace_back(line.substr(start, std::min<size_t>(i - start, 199)));
  }
  return tokens;
}

std::string join_lines(const std::vector<Line>& lines, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out += '\n';
    out += lines[i].text;
  }
  return out;
}

SltRecord parse_record(const std::vector<Line>& lines) {
  SltRecord record;
  size_t at = 0;
  while (true) {
    record.line = at < lines.size() ? lines[at].number : lines.back().number + 1;
    record.tokens = at < lines.size() ? tokenize(lines[at].text) : std::vector<std::string>{};
    std::string_view first = record.token(0);
    if (first != "skipif" && first != "onlyif") break;
    record.conditions.push_back({first == "skipif", std::string(record.token(1))});
    ++at;
  }
  std::string_view command = record.token(0);
  size_t body = at + 1;
  if (command == "statement") {
    record.kind = SltRecordKind::kStatement;
    record.sql = join_lines(lines, std::min(body, lines.size()), lines.size());
  } else if (command == "query") {
    record.kind = SltRecordKind::kQuery;
    size_t end = std::min(body, lines.size());
    while (end < lines.size() && lines[end].text != "----") ++end;
    record.sql = join_lines(lines, std::min(body, lines.size()), end);
    if (end < lines.size()) {
      record.has_separator = true;
      record.expected_line = lines[end].number + 1;
      for (size_t i = end + 1; i < lines.size(); ++i) {
        record.expected.emplace_back(lines[i].text);
      }
    }
  } else if (command == "hash-threshold") {
    record.kind = SltRecordKind::kHashThreshold;
  } else if (command == "halt") {
    record.kind = SltRecordKind::kHalt;
  } else {
    record.kind = SltRecordKind::kUnknown;
  }
  return record;
}

}  // namespace

std::vector<SltRecord> parse_slt(std::string_view text) {
  std::vector<SltRecord> records;
  std::vector<Line> current;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t newline = text.find('\n', pos);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(pos, end - pos);
    pos = newline == std::string_view::npos ? text.size() : newline + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = true;
    for (char c : line) blank = blank && std::isspace(static_cast<unsigned char>(c));
    if (blank) {
      if (!current.empty()) records.push_back(parse_record(current));
      current.clear();
      continue;
    }
    if (line[0] == '#') continue;  // a comment: neither blank nor part of the record
    current.push_back({line, number});
  }
  if (!current.empty()) records.push_back(parse_record(current));
  return records;
}

Result<std::unique_ptr<SltPrinter>> SltPrinter::open() {
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    sqlite3_close(db);
    return Status::internal("SltPrinter: cannot open an in-memory sqlite3 database");
  }
  sqlite3_stmt* echo = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT ?1", -1, &echo, nullptr) != SQLITE_OK) {
    Status s = Status::internal(std::string("SltPrinter: ") + sqlite3_errmsg(db));
    sqlite3_close(db);
    return s;
  }
  return std::unique_ptr<SltPrinter>(new SltPrinter(db, echo));
}

SltPrinter::~SltPrinter() {
  sqlite3_finalize(echo_);
  sqlite3_close(db_);
}

std::string SltPrinter::print(const Value& value, char type) {
  if (value.is_null()) return "NULL";
  sqlite3_reset(echo_);
  int rc = SQLITE_OK;
  switch (value.type()) {
    case ValueType::kInteger:
      rc = sqlite3_bind_int64(echo_, 1, value.as_integer());
      break;
    case ValueType::kReal:
      rc = sqlite3_bind_double(echo_, 1, value.as_real());
      break;
    case ValueType::kText:
      rc = sqlite3_bind_text64(echo_, 1, value.as_text().data(), value.as_text().size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    case ValueType::kBlob:
      rc = sqlite3_bind_blob64(echo_, 1, value.as_blob().data(), value.as_blob().size(),
                               SQLITE_TRANSIENT);
      break;
    case ValueType::kNull:
      break;
  }
  if (rc != SQLITE_OK || sqlite3_step(echo_) != SQLITE_ROW) {
    sqlite3_reset(echo_);
    sqlite3_clear_bindings(echo_);
    return "(sqlite3 could not convert the value)";
  }
  char buffer[200];
  std::string out;
  switch (type) {
    case 'I':
      sqlite3_snprintf(sizeof buffer, buffer, "%d", sqlite3_column_int(echo_, 0));
      out = buffer;
      break;
    case 'R':
      out = slt_real(sqlite3_column_double(echo_, 0));
      break;
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(echo_, 0));
      out = text != nullptr ? text : "";  // up to the first NUL, as "%s" copies it
      if (out.empty()) out = "(empty)";
      for (char& c : out) {
        if (c < ' ' || c > '~') c = '@';  // char is signed: bytes >= 0x80 are < ' '
      }
      break;
    }
  }
  sqlite3_reset(echo_);
  sqlite3_clear_bindings(echo_);
  return out;
}

std::string slt_real(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Inf" : "Inf";
  if (value == 0.0) return "0.000";  // -0.0 too: SQLite tests value < 0.0 for the sign
  constexpr int kPrecision = 3;
  constexpr int kMaxDigits = 16;
  // 21 significant digits, correctly rounded: d.dddddddddddddddddddde+XX.
  std::string e = fmt::format("{:.20e}", std::fabs(value));
  size_t exp_at = e.find('e');
  std::string digits = e.substr(0, 1) + e.substr(2, exp_at - 2);
  int point = std::stoi(e.substr(exp_at + 1)) + 1;  // digits[0..point) are the integer part
  int keep = point + kPrecision;                    // significant digits the format shows
  if (keep == 0 && digits[0] >= '5') {
    // Rounds up into the last shown decimal place (0.0005 -> 0.001).
    digits = "1";
    ++point;
  } else if (keep > 0) {
    keep = std::min(keep, kMaxDigits);
    bool round_up = digits[static_cast<size_t>(keep)] >= '5';
    digits.resize(static_cast<size_t>(keep));
    for (int j = keep - 1; round_up && j >= 0; --j) {
      if (digits[static_cast<size_t>(j)] == '9') {
        digits[static_cast<size_t>(j)] = '0';
      } else {
        ++digits[static_cast<size_t>(j)];
        round_up = false;
      }
    }
    if (round_up) {  // 9.9996 -> 10.000
      digits.insert(digits.begin(), '1');
      ++point;
    }
  } else {
    digits = "0";  // below the last shown place: prints as 0.000
    point = 1;
  }
  auto digit = [&](int i) {
    return i >= 0 && i < static_cast<int>(digits.size()) ? digits[static_cast<size_t>(i)] : '0';
  };
  std::string out = value < 0 ? "-" : "";
  if (point <= 0) {
    out += '0';
  } else {
    for (int i = 0; i < point; ++i) out += digit(i);
  }
  out += '.';
  for (int i = point; i < point + kPrecision; ++i) out += digit(i);
  return out;
}

Result<std::string> slt_hash(const std::vector<std::string>& values) {
  Md5 md5;
  for (const std::string& v : values) {
    md5.add(v);
    md5.add("\n");
  }
  STRATA_ASSIGN(std::string hex, md5.finish());
  return fmt::format("{} values hashing to {}", values.size(), hex);
}

}  // namespace strata::oracle
