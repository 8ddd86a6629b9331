// Session: what `strata shell` and `strata exec` share — SQL text in, results and errors out.
//
// Input arrives a line at a time (feed_line) or as whole texts (run_text). Lines accumulate
// until sql::is_complete says the statement is complete; then every statement in the buffer
// runs at once and its output is flushed, so another program can drive a session as a
// co-process (as tools drive `sqlite3 -batch`). At the end of input whatever is left runs
// as it is. A line starting with '.' while no statement is pending is a dot-command; a line
// starting with '#' there is a comment (both as in sqlite3).
//
// Dot-commands: .tables [PATTERN]  .schema [PATTERN]  .indexes [TABLE]  .mode MODE
// .headers on|off  .timer on|off  .explain [on|off]  .read FILE  .print TEXT...  .quit
// .exit  .help.  PATTERN is a LIKE pattern on the object's name.
//
// Results go to `out` in the current OutputMode (output.h). Errors go to `err`, one line
// each, with their position counted in lines of the whole input (see describe_error):
//   Error: 3:15: no such table: nope                  (a position inside the statement)
//   Error: near line 3: UNIQUE constraint failed: t.a (no position known)
//   Error: 1:24: unsupported: window functions
// `out` is flushed before an error is written, so both streams interleave in order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/output.h"
#include "engine/query/database.h"
#include "vfs/vfs.h"

namespace strata::cli {

struct SessionOptions {
  OutputMode mode = OutputMode::kList;
  bool headers = false;
  bool bail = false;  // stop at the first error
  bool timer = false;
  bool explain = false;  // print EXPLAIN ANALYZE after each SELECT
};

class Session {
 public:
  // REQUIRES: db, vfs (used by .read), out and err outlive the session.
  Session(query::Database* db, vfs::Vfs* vfs, std::FILE* out, std::FILE* err,
          SessionOptions options = {});

  // One line of input, without its line terminator. False once the session should stop
  // (.quit, or an error with bail set).
  bool feed_line(std::string_view line);
  // End of input: runs what is left of an incomplete statement. False as feed_line.
  bool finish();
  // A whole text as one input (a command-line argument): a dot-command when it starts with
  // '.', else SQL whose positions count from line 1 of the text.
  bool run_text(std::string_view text);

  // True while a statement is incomplete (the shell shows its continuation prompt).
  bool pending() const { return !buffer_.empty(); }
  bool stopped() const { return stopped_; }
  // Statements (and dot-commands) that failed so far.
  int errors() const { return errors_; }
  const SessionOptions& options() const { return options_; }

 private:
  // Runs every statement of text; its first line is line `first_line` of the input.
  void run_sql(std::string_view text, uint64_t first_line);
  // Runs one statement; `line`/`column` is where its text starts in the input.
  void run_statement(std::string_view text, uint64_t line, uint64_t column);
  void run_dot_command(std::string_view line);
  void print_explain(std::string_view select_text);

  void write(std::string_view text);
  void flush();
  // Reports a failed statement or command; positions "L:C: " in the message are moved by
  // (line, column) of where the text started.
  void error(const Status& status, uint64_t line, uint64_t column);
  void error_text(const std::string& message);

  void dot_tables(const std::vector<std::string>& args, bool indexes);
  void dot_schema(const std::vector<std::string>& args);
  void dot_read(const std::vector<std::string>& args);

  query::Database* db_;
  vfs::Vfs* vfs_;
  std::FILE* out_;
  std::FILE* err_;
  SessionOptions options_;
  std::string buffer_;        // lines of an incomplete statement
  uint64_t buffer_line_ = 0;  // input line of the buffer's first line
  uint64_t line_no_ = 0;      // lines fed so far
  std::string pending_out_;   // formatted output not yet written
  int errors_ = 0;
  bool stopped_ = false;
  int read_depth_ = 0;  // nested .read
  std::string source_;  // "FILE:" inside .read FILE, so errors name the file
};

// "L:C: message" with the statement's position moved by where its text started in the input
// (line, column), or "near line L: message". The status code is named unless the message
// speaks for itself (syntax, not found, constraint, invalid argument, or it already starts
// with the code's name): "near line 2: corruption: page 7: checksum mismatch".
std::string describe_error(const Status& status, int64_t line, int64_t column);

// sqlite3's dot-command argument splitting: whitespace separates; '...' quotes literally;
// "..." quotes with backslash escapes (\n \t \\ \" \NNN octal).
std::vector<std::string> split_dot_arguments(std::string_view line);

}  // namespace strata::cli
