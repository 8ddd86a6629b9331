// sqllogictest scripts: the records of a .test file, and how result values are printed.
//
// The format is SQLite's (https://www.sqlite.org/sqllogictest, and ../shared/slt/README.md),
// read the way the reference program (sqllogictest.c) reads it:
//   - lines lose a trailing '\r'; a line of only blanks is empty; a line starting with '#'
//     is a comment and is dropped (so it neither separates records nor enters SQL);
//   - records are runs of non-empty lines; a record's first line is split into up to four
//     blank-separated tokens; leading "skipif ENGINE" / "onlyif ENGINE" lines are
//     conditions on the record that follows them;
//   - "statement ok|error": the SQL is every further line of the record, joined by '\n';
//   - "query TYPES [nosort|rowsort|valuesort] [LABEL]": the SQL runs up to a "----" line,
//     the expected values follow it, one per line (none without "----");
//   - "hash-threshold N" and "halt" are records of their own; anything else is an unknown
//     record, which the runner reports and stops at, as the reference does.
//
// Values print as the reference's SQLite driver (slt_sqlite.c) prints them, column by
// column after the query's type letter: NULL is "NULL" whatever the type; 'I' is
// sqlite3_column_int() (32 bits) as "%d"; 'R' is sqlite3_column_double() as
// sqlite3_snprintf's "%.3f" (slt_real); 'T' is sqlite3_column_text() up to its first NUL
// byte, "(empty)" when that is empty, then every byte outside ' '..'~' replaced by '@'.
// A value of another storage class is converted by SQLite's own rules (TEXT '12abc'
// prints 12 as 'I'; REAL 2.5 prints 2 as 'I'; INTEGER 7 prints 7.000 as 'R'; BLOB bytes
// print as text), because SltPrinter asks the SQLite library itself to convert it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"
#include "vfs/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace strata::oracle {

struct SltCondition {
  bool skip_if = false;  // skipif ENGINE (else onlyif ENGINE)
  std::string engine;
};

enum class SltRecordKind { kStatement, kQuery, kHashThreshold, kHalt, kUnknown };

struct SltRecord {
  SltRecordKind kind = SltRecordKind::kUnknown;
  int line = 0;                          // 1-based line of the command (after conditions)
  std::vector<SltCondition> conditions;  // in order
  std::vector<std::string> tokens;       // the command line's tokens (at most four)
  std::string sql;                       // statement and query records
  bool has_separator = false;            // query: a "----" line was present
  std::vector<std::string> expected;     // query: the lines after "----"
  int expected_line = 0;                 // query: line of the first expected value

  std::string_view token(size_t i) const {
    return i < tokens.size() ? std::string_view(tokens[i]) : std::string_view();
  }
  std::string command() const;  // the tokens joined by one space: "query II rowsort"
};

// Every record of a script, in order (halt does not stop parsing; the runner stops).
std::vector<SltRecord> parse_slt(std::string_view text);

// Prints values as the reference runner does (see the header comment).
class SltPrinter {
 public:
  static Result<std::unique_ptr<SltPrinter>> open();
  ~SltPrinter();
  SltPrinter(const SltPrinter&) = delete;
  SltPrinter& operator=(const SltPrinter&) = delete;

  // REQUIRES: type is 'I', 'R' or 'T'.
  std::string print(const Value& value, char type);

 private:
  SltPrinter(sqlite3* db, sqlite3_stmt* echo) : db_(db), echo_(echo) {}

  sqlite3* db_;
  sqlite3_stmt* echo_;  // "SELECT ?1": turns a bound value into a column to convert
};

// "%.3f" as SQLite's printf renders it since 3.43, which is how the corpus was recorded:
// at most 16 significant digits, rounded half up on the decimal digits, then zeros
// (-9223372036854775808.0 -> "-9223372036854776000.000"; 0.0005 -> "0.001"; -0.0 ->
// "0.000"; infinities "Inf", "-Inf"). SQLite 3.40's printf cut the digits after the 16th
// instead of rounding, which differs only for values of 1e13 and more.
std::string slt_real(double value);

// "N values hashing to <md5>" over values, each followed by '\n' (the reference's hash).
Result<std::string> slt_hash(const std::vector<std::string>& values);

}  // namespace strata::oracle
