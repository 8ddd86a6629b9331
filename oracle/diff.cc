#include "oracle/diff.h"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/sql/parser.h"
#include "engine/sql/printer.h"
#include "oracle/script.h"
#include "oracle/sqlite.h"
#include "oracle/strata_runner.h"

namespace strata::oracle {

int DiffReport::unsupported() const {
  int n = 0;
  for (const Divergence& d : divergences) n += d.unsupported();
  return n;
}

namespace {

// The single SELECT of sql without DISTINCT, ORDER BY, LIMIT and OFFSET; nullopt when sql
// is not a single SELECT the parser reads.
std::optional<std::string> unrestricted_query(std::string_view sql) {
  sql::Parser parser(sql);
  Result<std::optional<sql::ParsedStatement>> parsed = parser.next();
  if (!parsed.ok() || !*parsed) return std::nullopt;
  const sql::Select* select = (*parsed)->stmt->as<sql::Select>();
  if (select == nullptr || select->cores.size() != 1) return std::nullopt;
  sql::Select all = *select;
  all.cores[0].distinct = false;
  all.order_by.clear();
  all.limit = nullptr;
  all.offset = nullptr;
  return sql::to_sql(all);
}

// Every row of actual is, in normal form, a row of the unrestricted query on `expected`.
// Empty when so (or when the check cannot be made), else what is wrong.
std::string check_rows_exist(Runner& expected, std::string_view sql, const SqlResult& actual) {
  std::optional<std::string> text = unrestricted_query(sql);
  if (!text) return "";
  SqlResult all = expected.execute(*text);
  if (!all.ok) return "";  // e.g. a run-time error in rows the LIMIT never reached
  std::vector<std::string> candidates;
  for (const Row& row : all.rows) candidates.push_back(describe_row(row));
  std::sort(candidates.begin(), candidates.end());
  for (const Row& row : actual.rows) {
    std::string key = describe_row(row);
    if (!std::binary_search(candidates.begin(), candidates.end(), key)) {
      return fmt::format("{} row [{}] is no row of {} on {}", engine_name(Engine::kStrata), key,
                         *text, expected.name());
    }
  }
  return "";
}

}  // namespace

std::optional<Divergence> diff_statement(Runner& expected, Runner& actual, std::string_view sql,
                                         const DiffOptions& options) {
  SqlResult expected_result = expected.execute(sql);
  SqlResult actual_result = actual.execute(sql);
  return diff_results(expected, sql, std::move(expected_result), std::move(actual_result), options,
                      actual.name());
}

std::optional<Divergence> diff_results(Runner& expected, std::string_view sql,
                                       SqlResult expected_result, SqlResult actual_result,
                                       const DiffOptions& options, std::string_view actual_name) {
  Divergence d;
  d.sql = std::string(sql);
  d.expected = std::move(expected_result);
  d.actual = std::move(actual_result);
  CompareOptions compare = compare_options_for(sql, d.expected.column_names);
  compare.exact_reals = options.exact_reals;
  d.mismatch = compare_results(d.expected, d.actual, compare, expected.name(), actual_name);
  if (d.mismatch.empty() && d.expected.ok && (compare.distinct || compare.limited)) {
    d.mismatch = check_rows_exist(expected, sql, d.actual);
  }
  if (d.mismatch.empty()) return std::nullopt;
  return d;
}

DiffReport diff_script(std::string_view script, Runner& expected, Runner& actual,
                       const DiffOptions& options) {
  DiffReport report;
  for (const ScriptStatement& statement : split_statements(script)) {
    ++report.statements;
    std::optional<Divergence> d = diff_statement(expected, actual, statement.sql, options);
    if (!d) {
      ++report.agreed;
      continue;
    }
    d->line = statement.line;
    report.divergences.push_back(std::move(*d));
    if (options.stop_at_first) {
      report.stopped = true;
      break;
    }
  }
  return report;
}

Result<DiffReport> diff_file(const std::string& path, const DiffOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  STRATA_ASSIGN(std::unique_ptr<Sqlite> sqlite, Sqlite::open());
  STRATA_ASSIGN(std::unique_ptr<StrataRunner> strata, StrataRunner::open());
  DiffReport report = diff_script(text.str(), *sqlite, *strata, options);
  report.file = path;
  return report;
}

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += prefix;
  }
  return out;
}

}  // namespace

std::string format_divergence(const std::string& file, const Divergence& d) {
  std::string where =
      file.empty() ? fmt::format("line {}", d.line) : fmt::format("{}:{}", file, d.line);
  return fmt::format("{}: divergence{}: {}\n  sql:    {}\n  sqlite: {}\n  strata: {}\n", where,
                     d.unsupported() ? " (strata: unsupported)" : "", d.mismatch,
                     indent(d.sql, "          "), indent(describe_result(d.expected), "  "),
                     indent(describe_result(d.actual), "  "));
}

std::string format_summary(const DiffReport& report) {
  std::string out =
      fmt::format("{}: {} statement{}, {} agree, {} diverge",
                  report.file.empty() ? "script" : report.file, report.statements,
                  report.statements == 1 ? "" : "s", report.agreed, report.divergences.size());
  if (report.unsupported() > 0) {
    out += fmt::format(" ({} unsupported by strata)", report.unsupported());
  }
  if (report.stopped) out += "; stopped at the first divergence";
  return out + "\n";
}

namespace {

nlohmann::json result_json(const SqlResult& r) {
  nlohmann::json j;
  j["ok"] = r.ok;
  if (!r.ok) {
    j["error"] = r.error;
    return j;
  }
  j["columns"] = r.column_names;
  nlohmann::json rows = nlohmann::json::array();
  for (const Row& row : r.rows) {
    nlohmann::json values = nlohmann::json::array();
    for (const Value& v : row) values.push_back(normal_form(v));
    rows.push_back(std::move(values));
  }
  j["rows"] = std::move(rows);
  j["changes"] = r.changes;
  return j;
}

}  // namespace

std::string diff_report_json(const std::vector<DiffReport>& reports) {
  nlohmann::json files = nlohmann::json::array();
  for (const DiffReport& report : reports) {
    nlohmann::json divergences = nlohmann::json::array();
    for (const Divergence& d : report.divergences) {
      divergences.push_back({{"line", d.line},
                             {"sql", d.sql},
                             {"mismatch", d.mismatch},
                             {"unsupported", d.unsupported()},
                             {"sqlite", result_json(d.expected)},
                             {"strata", result_json(d.actual)}});
    }
    files.push_back({{"file", report.file},
                     {"statements", report.statements},
                     {"agreed", report.agreed},
                     {"stopped", report.stopped},
                     {"divergences", std::move(divergences)}});
  }
  nlohmann::json root = {{"files", std::move(files)}};
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace strata::oracle
