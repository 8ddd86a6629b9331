// The sqllogictest runner: runs .test scripts (slt.h) on Strata or on SQLite and checks
// every record against the results recorded in the script.
//
// It verifies as the reference program does in -verify mode, each script on a fresh
// database:
//   - skipif/onlyif compare the engine name case-insensitively with SltOptions::answers_to
//     ("sqlite" for both engines: Strata's semantics are SQLite's); a skipped record is
//     counted as skipped, and a skipped query with a label still checks the label against
//     the hash of its recorded values;
//   - "statement ok|error": the SQL runs as a script (every statement, as sqlite3_exec);
//     it passes when it succeeds, or fails, as told — but an engine refusing a statement
//     as unsupported (Strata's kUnsupported) does not pass "statement error": that is not
//     the error the script expects, and counting it would inflate the pass rate;
//   - "query": the first statement runs; it must compile and have one column per type
//     letter; an error while it produces rows ends its rows, as in the reference (whose
//     loop stops when sqlite3_step() stops returning SQLITE_ROW): the query stands with the
//     rows it produced before the error (SqlResult::during_execution);
//     the values print as SltPrinter prints them, are sorted (rowsort: rows by strcmp of
//     their values in order; valuesort: every value on its own), then compared with the
//     recorded ones — as "N values hashing to MD5" when there are more than the hash
//     threshold (0: never), else one by one. The number of values must match exactly (the
//     reference stops comparing at the shorter list; this runner does not);
//   - a query with a label hashes its values, and every query with the same label in the
//     script must hash the same (labels are 20 characters at most, as in the reference);
//   - "hash-threshold N" sets the threshold (unless SltOptions::hash_threshold overrides
//     it); "halt" ends the script.
// A problem with the script itself (unknown record type, a bad type string or sort
// mode, a statement that is neither ok nor error) is a runner error, not an engine
// failure; an unknown record type or a missing type string ends the script, as in the
// reference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oracle/runner.h"
#include "oracle/slt.h"

namespace strata::oracle {

struct SltOptions {
  Engine engine = Engine::kStrata;
  std::string answers_to = "sqlite";  // the name skipif/onlyif match
  std::optional<int> hash_threshold;  // overrides every script's hash-threshold
  std::string database_path;          // empty: in memory; else this file (replaced first)
};

enum class SltOutcome { kPassed, kFailed, kSkipped };

struct SltRecordResult {
  int line = 0;
  std::string command;  // "statement ok", "query II rowsort label-3"
  std::string sql;
  SltOutcome outcome = SltOutcome::kPassed;
  std::string reason;                 // failures: "query failed: ...", "wrong result", ...
  std::vector<std::string> expected;  // failures: the recorded lines
  std::vector<std::string> got;       // failures: what the engine gave, printed the same way
};

struct SltFileResult {
  std::string path;
  Engine engine = Engine::kStrata;
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int halt_line = 0;                       // > 0 when a halt record ended the script
  std::vector<std::string> runner_errors;  // "LINE: message"; problems of the script or runner
  std::vector<SltRecordResult> records;    // every statement and query record, in order

  // passed / (passed + failed); 1 when nothing ran.
  double pass_rate() const;
};

// Runs one script given as text; path names it in results.
SltFileResult run_slt(std::string_view text, const std::string& path, const SltOptions& options);
// Reads and runs the file at path (an unreadable file is a runner error).
SltFileResult run_slt_file(const std::string& path, const SltOptions& options);

// The scripts named by args: a file as itself, a directory as every *.test file below it,
// in sorted order. kNotFound for an argument that does not exist.
Result<std::vector<std::string>> collect_slt_files(const std::vector<std::string>& args);

}  // namespace strata::oracle
