// The differential runner: every statement of a script on SQLite and on Strata, compared.
//
// Statements run in order on both engines (script.h splits the script); each pair of
// results is compared by compare_results() with the options the statement calls for
// (compare.h: ordered as far as the ORDER BY names output columns, a multiset otherwise).
// Success versus failure must agree, error wording may differ. When the comparison had to
// allow SQL's freedom (DISTINCT keeping 1 or 1.0, a LIMIT cutting tied rows), every row
// Strata returned must also be, value for value, a row of the same single SELECT without
// DISTINCT, ORDER BY, LIMIT and OFFSET as SQLite runs it.
//
// A divergence keeps both results; the run goes on after one (the databases may differ
// from there on) unless DiffOptions::stop_at_first.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oracle/compare.h"
#include "oracle/result.h"
#include "oracle/runner.h"

namespace strata::oracle {

struct DiffOptions {
  bool stop_at_first = false;
  bool exact_reals = false;  // compare reals bit for bit instead of as SQLite prints them
};

struct Divergence {
  int line = 0;  // 1-based line of the statement in its script (0 when not from a script)
  std::string sql;
  std::string mismatch;  // one line: what differs
  SqlResult expected;    // SQLite's result
  SqlResult actual;      // Strata's result
  // Strata refused the statement as unsupported while SQLite ran it.
  bool unsupported() const { return expected.ok && actual.unsupported(); }
};

struct DiffReport {
  std::string file;    // as given, for messages ("" for a script from memory)
  int statements = 0;  // statements run on both engines
  int agreed = 0;
  std::vector<Divergence> divergences;
  bool stopped = false;  // stop_at_first ended the run early

  int unsupported() const;  // divergences where Strata said unsupported
};

// Runs sql (its first statement) on both engines; nullopt when they agree.
std::optional<Divergence> diff_statement(Runner& expected, Runner& actual, std::string_view sql,
                                         const DiffOptions& options = {});

// The same comparison for results the caller already has (the model checker runs each
// statement itself, to tell a Strata I/O error under an injected fault from a divergence).
// `expected` runs again only the unrestricted query of a DISTINCT or LIMIT query.
std::optional<Divergence> diff_results(Runner& expected, std::string_view sql,
                                       SqlResult expected_result, SqlResult actual_result,
                                       const DiffOptions& options = {},
                                       std::string_view actual_name = "strata");

// Every statement of script on both engines, in order.
DiffReport diff_script(std::string_view script, Runner& expected, Runner& actual,
                       const DiffOptions& options = {});

// The file at path on a fresh in-memory SQLite and a fresh in-memory Strata.
Result<DiffReport> diff_file(const std::string& path, const DiffOptions& options = {});

// "FILE:LINE: divergence: <mismatch>\n  sql: ...\n  sqlite: ...\n  strata: ...\n"
std::string format_divergence(const std::string& file, const Divergence& d);
// "FILE: 12 statements, 10 agree, 2 diverge (1 unsupported by strata)\n"
std::string format_summary(const DiffReport& report);
// The report as JSON: file, statements, agreed, stopped, divergences (line, sql, mismatch,
// unsupported, sqlite, strata) with each result as {ok, error | columns, rows, changes} and
// values in normal form.
std::string diff_report_json(const std::vector<DiffReport>& reports);

}  // namespace strata::oracle
