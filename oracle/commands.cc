#include "oracle/commands.h"

#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "oracle/diff.h"
#include "oracle/slt_report.h"
#include "oracle/slt_runner.h"

namespace strata::oracle {

namespace {

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "error: cannot write {}\n", path);
    return false;
  }
  return true;
}

struct DiffArgs {
  std::vector<std::string> files;
  bool stop = false;
  bool exact_reals = false;
  std::string json;
};

int run_diff(const DiffArgs& args) {
  DiffOptions options;
  options.stop_at_first = args.stop;
  options.exact_reals = args.exact_reals;
  std::vector<DiffReport> reports;
  bool diverged = false;
  for (const std::string& file : args.files) {
    Result<DiffReport> report = diff_file(file, options);
    if (!report.ok()) {
      fmt::print(stderr, "error: {}\n", report.status().to_string());
      return 2;
    }
    for (const Divergence& d : report->divergences) {
      fmt::print("{}\n", format_divergence(file, d));
    }
    fmt::print("{}", format_summary(*report));
    diverged |= !report->divergences.empty();
    reports.push_back(std::move(report).value());
    if (diverged && args.stop) break;
  }
  if (!args.json.empty() && !write_file(args.json, diff_report_json(reports))) return 2;
  return diverged ? 1 : 0;
}

struct SltArgs {
  std::vector<std::string> paths;
  std::string engine = "strata";
  std::string json;
  std::string junit;
  std::string db;
  int show = 10;
  int hash_threshold = -1;
  bool report_only = false;
};

int run_slt_command(const SltArgs& args) {
  SltOptions options;
  options.engine = *parse_engine(args.engine);
  options.database_path = args.db;
  if (args.hash_threshold >= 0) options.hash_threshold = args.hash_threshold;
  Result<std::vector<std::string>> files = collect_slt_files(args.paths);
  if (!files.ok()) {
    fmt::print(stderr, "error: {}\n", files.status().to_string());
    return 2;
  }
  if (files->empty()) {
    fmt::print(stderr, "error: no .test files in the given paths\n");
    return 2;
  }
  std::vector<SltFileResult> results;
  int shown = 0;
  bool runner_errors = false;
  for (const std::string& file : *files) {
    SltFileResult result = run_slt_file(file, options);
    for (const SltRecordResult& record : result.records) {
      if (record.outcome != SltOutcome::kFailed || shown >= args.show) continue;
      fmt::print("{}\n", format_slt_failure(result, record));
      ++shown;
    }
    for (const std::string& error : result.runner_errors) {
      fmt::print(stderr, "{}:{} (runner error)\n", file, error);
    }
    runner_errors |= !result.runner_errors.empty();
    results.push_back(std::move(result));
  }
  for (const SltFileResult& result : results) fmt::print("{}", format_slt_summary(result));
  if (results.size() > 1) fmt::print("{}", format_slt_totals(results));
  fmt::print("{}", format_slt_failure_reasons(results));
  if (!args.json.empty() && !write_file(args.json, slt_json(results))) return 2;
  if (!args.junit.empty() && !write_file(args.junit, slt_junit(results))) return 2;
  bool failed = false;
  for (const SltFileResult& result : results) failed |= result.failed > 0;
  if (runner_errors) return 2;
  return failed && !args.report_only ? 1 : 0;
}

}  // namespace

void add_oracle_commands(CLI::App& app) {
  auto diff_args = std::make_shared<DiffArgs>();
  CLI::App* diff = app.add_subcommand(
      "diff", "Run each statement of FILE.sql on Strata and on SQLite and report every divergence");
  diff->add_option("files", diff_args->files, "SQL scripts (each on fresh in-memory databases)")
      ->required()
      ->check(CLI::ExistingFile);
  diff->add_flag("--stop", diff_args->stop, "stop at the first divergence");
  diff->add_flag("--exact-reals", diff_args->exact_reals,
                 "compare reals bit for bit (default: as SQLite prints them)");
  diff->add_option("--json", diff_args->json, "also write the report as JSON to this file");
  diff->callback([diff_args] { throw CLI::RuntimeError(run_diff(*diff_args)); });

  auto slt_args = std::make_shared<SltArgs>();
  CLI::App* slt = app.add_subcommand(
      "slt", "Run sqllogictest scripts (files, or directories of *.test) and check the results");
  slt->add_option("paths", slt_args->paths, ".test files or directories")->required();
  slt->add_option("--engine", slt_args->engine, "engine to run: strata (default) or sqlite")
      ->check(CLI::IsMember({"strata", "sqlite"}));
  slt->add_option("--json", slt_args->json, "write counts and failures as JSON to this file");
  slt->add_option("--junit", slt_args->junit, "write a JUnit XML report to this file");
  slt->add_option("--show", slt_args->show, "how many failures to print (default 10)")
      ->check(CLI::NonNegativeNumber);
  slt->add_option("--hash-threshold", slt_args->hash_threshold,
                  "override every script's hash-threshold (0: never hash)")
      ->check(CLI::NonNegativeNumber);
  slt->add_option("--db", slt_args->db,
                  "run on this database file (replaced for each script) instead of in memory");
  slt->add_flag("--report-only", slt_args->report_only,
                "exit 0 even when records fail (runner errors still exit 2)");
  slt->callback([slt_args] { throw CLI::RuntimeError(run_slt_command(*slt_args)); });
}

}  // namespace strata::oracle
