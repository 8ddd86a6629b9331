#include "cli/session.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "engine/exec/like.h"
#include "engine/sql/parser.h"

namespace strata::cli {

namespace {

constexpr size_t kFlushBytes = 64 * 1024;
constexpr int kMaxReadDepth = 25;

const char kHelp[] =
    ".explain ?on|off?        After each SELECT, print its plan with measured counts\n"
    ".headers on|off          Turn display of headers on or off\n"
    ".help                    Show this message\n"
    ".indexes ?TABLE?         Show names of indexes (of tables matching LIKE pattern TABLE)\n"
    ".mode MODE               Set output mode: box csv json list quote tsv\n"
    ".print STRING...         Print literal STRING\n"
    ".quit                    Exit this program (also .exit)\n"
    ".read FILE               Read input from FILE\n"
    ".schema ?PATTERN?        Show the CREATE statements (of tables matching PATTERN)\n"
    ".tables ?PATTERN?        List names of tables matching LIKE pattern PATTERN\n"
    ".timer on|off            Turn SQL timer on or off\n";

bool all_whitespace(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  });
}

std::optional<bool> parse_bool(std::string_view s) {
  std::string v;
  for (char c : s) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "on" || v == "yes" || v == "true" || v == "1") return true;
  if (v == "off" || v == "no" || v == "false" || v == "0") return false;
  return std::nullopt;
}

bool like_match(std::string_view text, std::string_view pattern) {
  Result<Value> m =
      exec::like(Value::text(std::string(text)), Value::text(std::string(pattern)), nullptr);
  return m.ok() && m->type() == ValueType::kInteger && m->as_integer() != 0;
}

// Line and column (1-based, column in UTF-8 characters) of byte `offset` of text.
std::pair<uint64_t, uint64_t> position_of(std::string_view text, size_t offset) {
  uint64_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xc0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

// sqlite3's .tables/.indexes layout: names in columns filling an 80-character line, column
// by column, each padded to the longest name.
std::string in_columns(const std::vector<std::string>& names) {
  std::string out;
  size_t longest = 0;
  for (const std::string& n : names) longest = std::max(longest, n.size());
  size_t columns = std::max<size_t>(1, 80 / (longest + 2));
  size_t rows = (names.size() + columns - 1) / columns;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = r; j < names.size(); j += rows) {
      if (j >= rows) out += "  ";
      out += names[j];
      out.append(longest - names[j].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

struct CpuTimes {
  double user = 0, system = 0;
};
CpuTimes cpu_times() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {static_cast<double>(usage.ru_utime.tv_sec) + usage.ru_utime.tv_usec * 1e-6,
          static_cast<double>(usage.ru_stime.tv_sec) + usage.ru_stime.tv_usec * 1e-6};
}

}  // namespace

std::vector<std::string> split_dot_arguments(std::string_view line) {
  std::vector<std::string> args;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::string arg;
    char quote = line[i];
    if (quote == '\'' || quote == '"') {
      ++i;
      while (i < line.size() && line[i] != quote) {
        if (quote == '"' && line[i] == '\\' && i + 1 < line.size()) {
          char c = line[++i];
          if (c == 'n') {
            arg += '\n';
          } else if (c == 't') {
            arg += '\t';
          } else if (c == 'r') {
            arg += '\r';
          } else if (c >= '0' && c <= '7') {
            int v = 0;
            for (int k = 0; k < 3 && i < line.size() && line[i] >= '0' && line[i] <= '7'; ++k) {
              v = v * 8 + (line[i++] - '0');
            }
            arg += static_cast<char>(v);
            continue;
          } else {
            arg += c;
          }
          ++i;
          continue;
        }
        arg += line[i++];
      }
      if (i < line.size()) ++i;  // the closing quote
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
        arg += line[i++];
    }
    args.push_back(std::move(arg));
  }
  return args;
}

Session::Session(query::Database* db, vfs::Vfs* vfs, std::FILE* out, std::FILE* err,
                 SessionOptions options)
    : db_(db), vfs_(vfs), out_(out), err_(err), options_(options) {}

void Session::write(std::string_view text) {
  pending_out_ += text;
  if (pending_out_.size() >= kFlushBytes) flush();
}

void Session::flush() {
  if (!pending_out_.empty()) {
    std::fwrite(pending_out_.data(), 1, pending_out_.size(), out_);
    pending_out_.clear();
  }
  std::fflush(out_);
}

void Session::error_text(const std::string& message) {
  flush();
  std::fprintf(err_, "%s\n", message.c_str());
  std::fflush(err_);
  ++errors_;
  if (options_.bail) stopped_ = true;
}

std::string describe_error(const Status& status, int64_t line, int64_t column) {
  std::string where, message = status.message();
  if (auto pos = sql::error_position(status)) {
    int64_t abs_line = line + pos->first - 1;
    int64_t abs_column = pos->first == 1 ? column + pos->second - 1 : pos->second;
    abs_column = std::max<int64_t>(abs_column, 1);  // a position inside a prefix we added
    size_t colon = message.find(": ");
    message = colon == std::string::npos ? "" : message.substr(colon + 2);
    where = std::to_string(abs_line) + ":" + std::to_string(abs_column);
  } else {
    where = "near line " + std::to_string(line);
  }
  // SQL errors speak for themselves ("no such table: t"); other codes are named.
  std::string_view code = status_code_name(status.code());
  bool self_explaining = status.is(StatusCode::kSyntax) || status.is(StatusCode::kNotFound) ||
                         status.is(StatusCode::kConstraint) ||
                         status.is(StatusCode::kInvalidArgument) ||
                         message.rfind(std::string(code) + ":", 0) == 0;
  return where + ": " + (self_explaining ? "" : std::string(code) + ": ") + message;
}

void Session::error(const Status& status, uint64_t line, uint64_t column) {
  error_text("Error: " + source_ +
             describe_error(status, static_cast<int64_t>(line), static_cast<int64_t>(column)));
}

bool Session::feed_line(std::string_view line) {
  if (stopped_) return false;
  ++line_no_;
  if (buffer_.empty()) {
    if (!line.empty() && line[0] == '.') {
      run_dot_command(line);
      return !stopped_;
    }
    if (!line.empty() && line[0] == '#') return true;
    if (all_whitespace(line)) return true;
    buffer_line_ = line_no_;
  }
  buffer_ += line;
  buffer_ += '\n';
  if (sql::is_complete(buffer_)) {
    std::string text = std::move(buffer_);
    buffer_.clear();
    run_sql(text, buffer_line_);
  }
  return !stopped_;
}

bool Session::finish() {
  if (!buffer_.empty() && !stopped_) {
    std::string text = std::move(buffer_);
    buffer_.clear();
    if (!all_whitespace(text)) run_sql(text, buffer_line_);
  }
  flush();
  return !stopped_;
}

bool Session::run_text(std::string_view text) {
  if (stopped_) return false;
  if (!text.empty() && text[0] == '.') {
    run_dot_command(text);
  } else if (!all_whitespace(text)) {
    run_sql(text, 1);
  }
  flush();
  return !stopped_;
}

void Session::run_sql(std::string_view text, uint64_t first_line) {
  auto started = std::chrono::steady_clock::now();
  CpuTimes cpu_before = cpu_times();
  sql::Parser parser(text);
  while (!stopped_) {
    Result<std::optional<sql::ParsedStatement>> next = parser.next();
    if (!next.ok()) {
      error(next.status(), first_line, 1);
      continue;  // the parser resumes after the failed statement
    }
    if (!*next) break;
    auto [line, column] = position_of(text, (*next)->begin);
    run_statement(text.substr((*next)->begin, (*next)->end - (*next)->begin), first_line + line - 1,
                  column);
  }
  if (options_.timer) {
    std::chrono::duration<double> real = std::chrono::steady_clock::now() - started;
    CpuTimes cpu_after = cpu_times();
    char line[128];
    std::snprintf(line, sizeof line, "Run Time: real %.3f user %f sys %f\n", real.count(),
                  cpu_after.user - cpu_before.user, cpu_after.system - cpu_before.system);
    write(line);
  }
  flush();
}

void Session::run_statement(std::string_view text, uint64_t line, uint64_t column) {
  Result<std::unique_ptr<query::Statement>> prepared = db_->prepare(text);
  if (!prepared.ok()) {
    error(prepared.status(), line, column);
    return;
  }
  query::Statement& stmt = **prepared;
  std::string formatted;
  ResultFormatter formatter(options_.mode, options_.headers, &formatted);
  std::vector<std::string> names;
  while (true) {
    Result<bool> has_row = stmt.step();
    if (!has_row.ok()) {
      formatter.finish();
      write(formatted);
      error(has_row.status(), line, column);
      return;
    }
    if (!*has_row) break;
    if (names.empty()) {
      for (int i = 0; i < stmt.column_count(); ++i) names.push_back(stmt.column_name(i));
    }
    formatter.row(names, stmt.row());
    if (formatted.size() >= kFlushBytes && options_.mode != OutputMode::kBox) {
      write(formatted);
      formatted.clear();
    }
  }
  formatter.finish();
  write(formatted);
  if (options_.explain && stmt.ast().is<sql::Select>()) print_explain(text);
}

void Session::print_explain(std::string_view select_text) {
  Result<std::unique_ptr<query::Statement>> explain =
      db_->prepare("EXPLAIN ANALYZE " + std::string(select_text));
  if (!explain.ok()) return;  // the SELECT ran; its plan is a bonus
  while (true) {
    Result<bool> has_row = (*explain)->step();
    if (!has_row.ok() || !*has_row) break;
    const Value& plan_line = (*explain)->column(0);
    if (plan_line.type() == ValueType::kText) write(plan_line.as_text() + "\n");
  }
}

void Session::run_dot_command(std::string_view line) {
  std::vector<std::string> args = split_dot_arguments(line.substr(1));
  if (args.empty()) return;
  const std::string command = args[0];
  auto invalid = [&]() {
    error_text("Error: unknown command or invalid arguments:  \"" + command +
               "\". Enter \".help\" for help");
  };
  auto on_off = [&](bool* flag) {
    if (args.size() != 2) return invalid();
    std::optional<bool> value = parse_bool(args[1]);
    if (!value) return error_text("Error: not a boolean value: \"" + args[1] + "\"");
    *flag = *value;
  };
  if (command == "quit" || command == "exit") {
    stopped_ = true;
  } else if (command == "help") {
    write(kHelp);
  } else if (command == "print") {
    std::string text;
    for (size_t i = 1; i < args.size(); ++i) text += (i > 1 ? " " : "") + args[i];
    write(text + "\n");
  } else if (command == "mode") {
    if (args.size() != 2) return invalid();
    std::optional<OutputMode> mode = parse_output_mode(args[1]);
    if (!mode) return error_text("Error: mode should be one of: box csv json list quote tsv");
    options_.mode = *mode;
  } else if (command == "headers") {
    on_off(&options_.headers);
  } else if (command == "timer") {
    on_off(&options_.timer);
  } else if (command == "explain") {
    if (args.size() == 1) {
      options_.explain = true;
    } else {
      on_off(&options_.explain);
    }
  } else if (command == "tables") {
    dot_tables(args, /*indexes=*/false);
  } else if (command == "indexes" || command == "indices") {
    dot_tables(args, /*indexes=*/true);
  } else if (command == "schema") {
    dot_schema(args);
  } else if (command == "read") {
    dot_read(args);
  } else {
    invalid();
  }
  flush();
}

void Session::dot_tables(const std::vector<std::string>& args, bool indexes) {
  if (args.size() > 2) {
    return error_text("Usage: ." + args[0] + " ?" + (indexes ? "TABLE" : "PATTERN") + "?");
  }
  std::string pattern = args.size() == 2 ? args[1] : "%";
  std::vector<std::string> names;
  const query::Catalog& catalog = db_->catalog();
  for (const query::TableDef* table : catalog.tables()) {
    if (!indexes) {
      if (like_match(table->name, pattern)) names.push_back(table->name);
      continue;
    }
    if (!like_match(table->name, pattern)) continue;
    for (const query::IndexDef* index : catalog.indexes_of(*table)) names.push_back(index->name);
  }
  if (!indexes) {
    for (const query::ViewDef* view : catalog.views()) {
      if (like_match(view->name, pattern)) names.push_back(view->name);
    }
  }
  std::sort(names.begin(), names.end());
  write(in_columns(names));
}

void Session::dot_schema(const std::vector<std::string>& args) {
  if (args.size() > 2) return error_text("Usage: .schema ?PATTERN?");
  std::string pattern = args.size() == 2 ? args[1] : "%";
  // Tables and indexes in creation order, as sqlite3 shows them: prefixes are handed out in
  // that order.
  std::map<uint32_t, std::string> statements;
  const query::Catalog& catalog = db_->catalog();
  for (const query::TableDef* table : catalog.tables()) {
    if (!like_match(table->name, pattern)) continue;
    statements[table->prefix] = table->sql;
    for (const query::IndexDef* index : catalog.indexes_of(*table)) {
      if (!index->sql.empty()) statements[index->prefix] = index->sql;
    }
  }
  for (const auto& [prefix, sql] : statements) write(sql + ";\n");
  // Views hold no prefix; they follow, by name.
  for (const query::ViewDef* view : catalog.views()) {
    if (like_match(view->name, pattern) && !view->sql.empty()) write(view->sql + ";\n");
  }
}

void Session::dot_read(const std::vector<std::string>& args) {
  if (args.size() != 2) return error_text("Usage: .read FILE");
  if (read_depth_ >= kMaxReadDepth) return error_text("Error: .read nested too deeply");
  vfs::OpenOptions read_only;
  read_only.read_only = true;
  Result<std::unique_ptr<vfs::File>> file = vfs_->open(args[1], read_only);
  if (!file.ok()) return error_text("Error: cannot open \"" + args[1] + "\"");
  Result<uint64_t> size = (*file)->size();
  if (!size.ok()) return error_text("Error: cannot read \"" + args[1] + "\"");
  std::string text(*size, '\0');
  size_t got = 0;
  Status read = (*file)->read(0, {reinterpret_cast<uint8_t*>(text.data()), text.size()}, &got);
  if (!read.is_ok()) return error_text("Error: cannot read \"" + args[1] + "\"");
  text.resize(got);

  // The file is its own input: its lines count from 1, its statements must end in it.
  Session nested(db_, vfs_, out_, err_, options_);
  nested.read_depth_ = read_depth_ + 1;
  nested.source_ = args[1] + ":";
  flush();
  size_t start = 0;
  while (start < text.size() && !nested.stopped()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    nested.feed_line(line);
    start = end + 1;
  }
  nested.finish();
  options_ = nested.options_;  // .mode and friends inside the file stay in effect
  errors_ += nested.errors_;
  if (nested.errors_ > 0 && options_.bail) stopped_ = true;
  if (nested.stopped_ && nested.errors_ == 0) stopped_ = true;  // .quit inside the file
}

}  // namespace strata::cli
