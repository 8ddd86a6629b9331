#include "model/commands.h"

#include <fmt/core.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "model/checker.h"
#include "model/report.h"

namespace strata::model {

namespace {

struct ModelArgs {
  std::vector<uint64_t> seeds = {1};
  size_t seed_count = 1;
  size_t steps = 300;
  double crash_every = 25;
  double fault_every = 30;
  std::vector<std::string> policies = {"honest"};
  std::vector<std::string> faults;
  uint32_t sector = 512;
  std::string tear = "prefix";
  bool psow = true;
  uint32_t exhaustive_bound = 4;
  uint32_t samples = 6;
  size_t crash_window = 3;
  uint32_t page_size = 4096;
  std::string commit_protocol = "one-sync";
  std::string protocol_bug = "none";
  std::string planted_bug = "none";
  bool shrink = true;
  size_t shrink_runs = 2000;
  double shrink_seconds = 120;
  std::string script;
  std::string report = "runs/model";
};

Result<ModelOptions> model_options(const ModelArgs& a) {
  ModelOptions o;
  o.statements = a.steps;
  o.crash_every = a.crash_every;
  o.fault_every = a.fault_every;
  STRATA_ASSIGN(o.policies, faults::parse_policy_list(a.policies));
  STRATA_ASSIGN(o.faults, faults::parse_fault_list(a.faults));
  if (a.sector < 64 || (a.sector & (a.sector - 1)) != 0) {
    return Status::invalid_argument("sector size must be a power of two >= 64");
  }
  o.device.sector_size = a.sector;
  auto tear = faults::parse_tear_mode(a.tear);
  if (!tear) return Status::invalid_argument("unknown tear mode \"" + a.tear + "\"");
  o.device.tear = *tear;
  o.device.powersafe_overwrite = a.psow;
  o.exhaustive_bound = a.exhaustive_bound;
  o.samples = a.samples;
  o.crash_window = std::max<size_t>(1, a.crash_window);
  o.page_size = a.page_size;
  auto protocol = parse_commit_protocol(a.commit_protocol);
  if (!protocol) {
    return Status::invalid_argument("unknown commit protocol \"" + a.commit_protocol + "\"");
  }
  o.commit_protocol = *protocol;
  auto bug = parse_protocol_bug(a.protocol_bug);
  if (!bug) return Status::invalid_argument("unknown protocol bug \"" + a.protocol_bug + "\"");
  o.protocol_bug = *bug;
  auto planted = oracle::parse_planted_bug(a.planted_bug);
  if (!planted) return Status::invalid_argument("unknown planted bug \"" + a.planted_bug + "\"");
  o.planted_bug = *planted;
  o.shrink = a.shrink;
  o.shrink_runs = a.shrink_runs;
  o.shrink_seconds = a.shrink_seconds;
  return o;
}

int run_script_command(const ModelArgs& a, const ModelOptions& options) {
  std::ifstream in(a.script, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "error: cannot read {}\n", a.script);
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto script = parse_script(text.str());
  if (!script.ok()) {
    fmt::print(stderr, "error: {}: {}\n", a.script, script.status().to_string());
    return 2;
  }
  ModelRun run = run_script(*script, options);
  fmt::print("{}: {} steps, {} statements, {} queries diffed, {} crashes ({} crash states)\n",
             a.script, run.script.size(), run.stats.statements, run.stats.queries,
             run.stats.crashes, run.stats.crash_states);
  if (!run.failure) {
    fmt::print("verdict: PASS (the script no longer fails)\n");
    return 0;
  }
  fmt::print("{}\n{}\n", run.failure->summary, run.failure->detail);
  fmt::print("verdict: FAIL: {} at step {} ({})\n", failure_kind_name(run.failure->kind),
             run.failure->script_step + 1, run.script[run.failure->script_step].to_line());
  return 1;
}

int run_model_command(const ModelArgs& a) {
  auto options = model_options(a);
  if (!options.ok()) {
    fmt::print(stderr, "error: {}\n", options.status().to_string());
    return 2;
  }
  if (!a.script.empty()) {
    options->seed = a.seeds.empty() ? 1 : a.seeds.front();
    return run_script_command(a, *options);
  }
  std::vector<uint64_t> seeds = a.seeds;
  if (seeds.size() == 1 && a.seed_count > 1) {
    for (size_t i = 1; i < a.seed_count; ++i) seeds.push_back(seeds.front() + i);
  }
  ModelReport report;
  report.command =
      fmt::format("strata-lab model --steps {} --crash-every {}", a.steps, a.crash_every);
  if (!options->faults.empty()) report.command += fmt::format(" --fault-every {}", a.fault_every);
  report.command += option_flags(*options, false) + " --seed";
  for (uint64_t seed : seeds) report.command += " " + std::to_string(seed);
  report.options = *options;
  for (uint64_t seed : seeds) {
    ModelOptions o = *options;
    o.seed = seed;
    report.results.push_back(check_seed(o));
    const ModelResult& r = report.results.back();
    fmt::print(stderr, "seed {}: {}\n", seed,
               r.final_run().failure ? "FAIL: " + r.final_run().failure->summary : "pass");
  }
  auto written = write_model_folder(a.report, report);
  if (!written.ok()) {
    fmt::print(stderr, "error: writing the report: {}\n", written.status().to_string());
    return 2;
  }
  fmt::print("{}", model_text_summary(report));
  for (const std::string& file : *written) fmt::print("failure: {}\n", file);
  fmt::print("report: {}/report.html (summary.json, junit.xml)\n", a.report);
  fmt::print("verdict: {}\n", model_verdict(report));
  return report.failures() == 0 ? 0 : 1;
}

}  // namespace

void add_model_command(CLI::App& app) {
  auto a = std::make_shared<ModelArgs>();
  CLI::App* c = app.add_subcommand(
      "model",
      "Model checker: random SQL on Strata (over the fault VFS) and on SQLite side by side, every "
      "result diffed, crashes at random points checked against SQLite's committed versions; "
      "failures shrink to a replayable script");
  c->add_option("--seed", a->seeds, "seed(s): each gives one generated workload")
      ->capture_default_str();
  c->add_option("--seeds", a->seed_count, "with one --seed S: run seeds S, S+1, ... (this many)")
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  c->add_option("--steps", a->steps, "statements per seed")->capture_default_str();
  c->add_option("--crash-every", a->crash_every,
                "a crash after a statement with probability 1/K (0: no crashes)")
      ->capture_default_str();
  c->add_option("--fault-every", a->fault_every,
                "with --faults: a fault armed before a statement with probability 1/K")
      ->capture_default_str();
  c->add_option("--policy", a->policies,
                "crash-image policies checked at every crash: process-kill drop-unsynced "
                "sector-subset torn-sector reorder, `honest` (all five) or `none`")
      ->capture_default_str();
  c->add_option(
      "--faults", a->faults,
      "faults to arm at random: eio-read eio-write enospc short-write fsync-fail bit-flip "
      "misdirected-write lying-fsync, or `io`, `dishonest`, `all`");
  c->add_option("--sector", a->sector, "sector size of the device model")->capture_default_str();
  c->add_option("--tear", a->tear, "how a torn sector looks: atomic | prefix | suffix | arbitrary")
      ->capture_default_str();
  c->add_flag("--psow,!--no-psow", a->psow, "powersafe overwrite");
  c->add_option("--exhaustive-bound", a->exhaustive_bound,
                "check every image of a crash point with at most K pending units (2^K)")
      ->capture_default_str();
  c->add_option("--samples", a->samples, "images sampled per crash point above the bound")
      ->capture_default_str();
  c->add_option("--crash-window", a->crash_window,
                "a crash point lies among the ops of the last N statements")
      ->capture_default_str();
  c->add_option("--page-size", a->page_size, "page size of the database")->capture_default_str();
  c->add_option("--commit-protocol", a->commit_protocol, "one-sync | two-sync")
      ->capture_default_str();
  c->add_option("--protocol-bug", a->protocol_bug,
                "testing only: a deliberately broken commit protocol (see `crash --help`)")
      ->capture_default_str();
  c->add_option("--planted-bug", a->planted_bug,
                "testing only: a deliberately wrong Strata answer (count-off-by-one)")
      ->capture_default_str();
  c->add_flag("--shrink,!--no-shrink", a->shrink, "shrink a failing workload and fault schedule");
  c->add_option("--shrink-runs", a->shrink_runs, "at most this many runs while shrinking")
      ->capture_default_str();
  c->add_option("--shrink-seconds", a->shrink_seconds, "at most this long shrinking one failure")
      ->capture_default_str();
  c->add_option("--script", a->script,
                "replay a script (failure-NNN.sql, or any .sql file) instead of generating");
  c->add_option("--report", a->report, "run folder for summary.json, junit.xml, report.html")
      ->capture_default_str();
  c->callback([a] { throw CLI::RuntimeError(run_model_command(*a)); });
}

}  // namespace strata::model
