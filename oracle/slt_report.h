// What the sqllogictest runner tells people and CI: text, JSON and JUnit XML.
//
// Text: one summary line per script and a block per failure (file:line, the record's
// command, its SQL, expected versus got). JSON: every script's counts, pass rate, halt
// line, runner errors and failures, plus totals. JUnit: one <testsuite> per script, one
// <testcase> per statement or query record (named by line and command), <failure> and
// <skipped/> as they happened, runner errors as <error> test cases. Failure reasons
// grouped and counted say which missing constructs cost the most records.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "oracle/slt_runner.h"

namespace strata::oracle {

// "PATH: 1031 records: 1020 passed, 11 failed, 0 skipped (98.9% of run records pass)"
// and, when they apply, "; halted at line N" and "; N runner errors".
std::string format_slt_summary(const SltFileResult& result);
// "PATH:LINE: query I nosort: wrong result\n  sql: ...\n  expected: ...\n  got: ...\n",
// showing at most max_values values of each side.
std::string format_slt_failure(const SltFileResult& file, const SltRecordResult& record,
                               size_t max_values = 12);
// Totals over several scripts: "total: 5 files, ... records: ... passed, ... failed,
// ... skipped (..%)".
std::string format_slt_totals(const std::vector<SltFileResult>& results);

// Why records failed, most common first: each failure's reason with source positions
// ("1:8: ") removed, so that one missing construct counts once per record it fails
// ("query failed: unsupported: subqueries" 525 times). Ties in order of the reason.
std::vector<std::pair<std::string, int>> slt_failure_reasons(
    const std::vector<SltFileResult>& results);
// "most common failures:\n    525  query failed: unsupported: subqueries\n..." (top ones).
std::string format_slt_failure_reasons(const std::vector<SltFileResult>& results, size_t top = 10);

std::string slt_json(const std::vector<SltFileResult>& results);
std::string slt_junit(const std::vector<SltFileResult>& results);

}  // namespace strata::oracle
