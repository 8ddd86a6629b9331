// strata: the command-line face of the database — a shell like sqlite3, non-interactive
// execution for scripts and tools, plans, page-level inspection, the consistency checker
// and statistics. Flags are parsed here (CLI11) and lines are read here (readline); the
// work is done by the strata_cli library (cli/commands.h).
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "vfs/posix_vfs.h"

namespace {

using strata::cli::OutputMode;

std::string history_path() {
  if (const char* path = std::getenv("STRATA_HISTORY")) return path;
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.strata_history";
  return "";
}

// The interactive shell: readline editing and history, prompts, errors that do not exit.
int run_interactive(strata::vfs::Vfs* vfs, const strata::cli::ExecArgs& args) {
  std::unique_ptr<strata::query::Database> db =
      strata::cli::open_for_session(vfs, args.path, args.page_size, stderr);
  if (!db) return 1;
  std::printf("strata shell on %s\nEnter \".help\" for usage hints.\n", args.path.c_str());
  std::string history = history_path();
  if (!history.empty()) read_history(history.c_str());
  strata::cli::Session session(db.get(), vfs, stdout, stderr, args.session);
  while (true) {
    char* line =
        readline(session.pending() ? strata::cli::kContinuationPrompt : strata::cli::kPrompt);
    if (line == nullptr) {
      std::printf("\n");
      break;
    }
    std::string text(line);
    std::free(line);
    if (text.find_first_not_of(" \t") != std::string::npos) add_history(text.c_str());
    if (!session.feed_line(text)) break;
  }
  session.finish();
  if (!history.empty()) write_history(history.c_str());
  return 0;
}

// --format / --mode values, checked by CLI11.
const std::vector<std::string> kModeNames = {"list", "tsv", "csv", "box", "json", "quote"};

OutputMode mode_of(const std::string& name) {
  return strata::cli::parse_output_mode(name).value_or(OutputMode::kList);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "strata: an embedded relational database you can watch work.\n"
      "SQL as in SQLite; every page, key and plan on show."};
  app.require_subcommand(1);
  strata::vfs::PosixVfs vfs;
  int status = 0;

  // shell
  strata::cli::ExecArgs shell_args;
  auto* shell = app.add_subcommand("shell", "Interactive SQL shell (like sqlite3)");
  shell->add_option("DB", shell_args.path, "Database file (created if missing)")->required();
  std::string shell_mode = "list";
  shell->add_option("--mode", shell_mode, "Output mode: list tsv csv box json quote")
      ->check(CLI::IsMember(kModeNames));
  shell->add_flag("--headers", shell_args.session.headers, "Show column names");
  shell->add_option("--page-size", shell_args.page_size,
                    "Page size of a new database (512..65536, a power of two)");
  shell->callback([&]() {
    shell_args.session.mode = mode_of(shell_mode);
    status = isatty(STDIN_FILENO)
                 ? run_interactive(&vfs, shell_args)
                 : strata::cli::run_shell_script(&vfs, shell_args, stdin, stdout, stderr);
  });
  shell->footer(
      "Dot-commands: .tables .schema .indexes .mode .headers .timer .explain .read .print "
      ".quit .help\nWhen standard input is not a terminal, each prompt and line read is echoed.");

  // exec
  strata::cli::ExecArgs exec_args;
  auto* exec = app.add_subcommand("exec", "Run SQL from the arguments or standard input");
  exec->add_option("DB", exec_args.path, "Database file (created if missing)")->required();
  exec->add_option("SQL", exec_args.sql,
                   "SQL texts or dot-commands; without any, standard input is read line by line");
  std::string exec_format = "list";
  exec->add_option("--format", exec_format, "Output format: list tsv csv box json quote")
      ->check(CLI::IsMember(kModeNames));
  exec->add_flag("--headers", exec_args.session.headers, "Show column names");
  exec->add_flag("--bail", exec_args.session.bail, "Stop at the first error");
  exec->add_option("--page-size", exec_args.page_size,
                   "Page size of a new database (512..65536, a power of two)");
  exec->callback([&]() {
    exec_args.session.mode = mode_of(exec_format);
    status = strata::cli::run_exec(&vfs, exec_args, stdin, stdout, stderr);
  });
  exec->footer(
      "Each statement runs as soon as it is complete and its output is flushed; errors go to\n"
      "standard error with their line:column; the exit status is 1 if any statement failed.\n"
      "Dot-commands (.print TEXT, .mode, .headers, ...) work as in the shell.");

  // explain, explain-analyze
  std::string explain_db, explain_sql;
  auto* explain = app.add_subcommand("explain", "Show the plan of a SELECT");
  explain->add_option("DB", explain_db, "Database file")->required();
  explain->add_option("SQL", explain_sql, "A SELECT statement")->required();
  explain->callback([&]() {
    status = strata::cli::run_explain(&vfs, explain_db, explain_sql, false, stdout, stderr);
  });
  auto* analyze = app.add_subcommand(
      "explain-analyze", "Run a SELECT and show its plan with rows and pages per operator");
  analyze->add_option("DB", explain_db, "Database file")->required();
  analyze->add_option("SQL", explain_sql, "A SELECT statement")->required();
  analyze->callback([&]() {
    status = strata::cli::run_explain(&vfs, explain_db, explain_sql, true, stdout, stderr);
  });

  // inspect VIEW ... DB
  auto* inspect = app.add_subcommand("inspect", "Show the file page by page");
  inspect->require_subcommand(1);
  strata::cli::InspectRequest request;
  std::string inspect_db;
  auto add_view = [&](const char* name, const char* help, strata::cli::InspectView view,
                      const char* argument, const char* argument_help) {
    auto* sub = inspect->add_subcommand(name, help);
    if (argument != nullptr) {
      if (view == strata::cli::InspectView::kPage) {
        sub->add_option(argument, request.page_no, argument_help)->required();
      } else {
        sub->add_option(argument, request.name, argument_help)->required();
      }
    }
    sub->add_option("DB", inspect_db, "Database file")->required();
    sub->add_flag("--json", request.json, "JSON instead of key=value lines");
    sub->callback([&, view]() {
      request.view = view;
      status = strata::cli::run_inspect(&vfs, inspect_db, request, stdout, stderr);
    });
  };
  add_view("meta", "Both meta slots, decoded, with their checksum verdicts",
           strata::cli::InspectView::kMeta, nullptr, nullptr);
  add_view("pages", "Every page: type, state, owner, generation, fill, checksum",
           strata::cli::InspectView::kPages, nullptr, nullptr);
  add_view("page", "One page decoded and in hex", strata::cli::InspectView::kPage, "N",
           "Page number");
  add_view("freelist", "The freelist with pending generations", strata::cli::InspectView::kFreelist,
           nullptr, nullptr);
  add_view("tree", "The B+ tree by levels", strata::cli::InspectView::kTree, nullptr, nullptr);
  add_view("generations", "Generations readable AS OF GENERATION (time travel), pages they keep",
           strata::cli::InspectView::kGenerations, nullptr, nullptr);
  add_view("schema", "The catalog: collections, tables, indexes", strata::cli::InspectView::kSchema,
           nullptr, nullptr);
  add_view("table", "A table's stored rows", strata::cli::InspectView::kTable, "T", "Table name");
  add_view("index", "An index's stored entries", strata::cli::InspectView::kIndex, "I",
           "Index name");

  // check, stats
  std::string check_db;
  bool check_json = false;
  auto* check = app.add_subcommand("check", "Run the consistency checker (exit 0 only when clean)");
  check->add_option("DB", check_db, "Database file")->required();
  check->add_flag("--json", check_json, "JSON report");
  check->callback(
      [&]() { status = strata::cli::run_check(&vfs, check_db, check_json, stdout, stderr); });
  std::string stats_db;
  bool stats_json = false;
  auto* stats =
      app.add_subcommand("stats", "Pages by type, depth, fill factor, free pages, file size");
  stats->add_option("DB", stats_db, "Database file")->required();
  stats->add_flag("--json", stats_json, "JSON object");
  stats->callback(
      [&]() { status = strata::cli::run_stats(&vfs, stats_db, stats_json, stdout, stderr); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return status;
}
