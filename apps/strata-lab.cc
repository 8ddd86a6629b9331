// strata-lab: Strata's testbed command.
//
// Subcommands grow with the testbed (crash sweeps, model checker, sqllogictest
// runner). Today: `demo`, which exercises the storage engine end to end on a
// real file: several transactions, a reopen, a full verification and the
// consistency checker.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <unistd.h>

#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

#include "engine/check.h"
#include "lab/report.h"
#include "model/commands.h"
#include "oracle/commands.h"
#include "lab/sweep.h"
#include "engine/collection.h"
#include "engine/store.h"
#include "vfs/posix_vfs.h"

namespace {

using strata::Status;

std::string demo_value(uint64_t seed, int key) {
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(key));
  std::string v(16 + rng() % 200, '\0');
  for (auto& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

int run_demo(const std::string& path, int keys, int transactions, uint64_t seed) {
  strata::vfs::PosixVfs vfs;
  if (*vfs.exists(path)) {
    if (Status s = vfs.remove(path); !s.is_ok()) {
      fmt::print(stderr, "error: {}\n", s.to_string());
      return 1;
    }
  }
  auto fail = [](const std::string& what, const Status& s) {
    fmt::print(stderr, "demo failed: {}: {}\n", what, s.to_string());
    return 1;
  };
  std::map<std::string, std::string> expected;
  {
    auto store = strata::Store::open(&vfs, path);
    if (!store.ok()) return fail("create", store.status());
    int per_tx = (keys + transactions - 1) / transactions;
    for (int t = 0; t < transactions; ++t) {
      auto w = (*store)->begin_write();
      if (!w.ok()) return fail("begin", w.status());
      auto coll = t == 0 ? strata::Collection::create(w->get(), "demo")
                         : strata::Collection::open(w->get(), "demo");
      if (!coll.ok()) return fail("collection", coll.status());
      for (int i = t * per_tx; i < std::min(keys, (t + 1) * per_tx); ++i) {
        std::string k = fmt::format("key-{:06d}", i);
        std::string v = demo_value(seed, i);
        if (Status s = coll->put(k, v); !s.is_ok()) return fail("put", s);
        expected[k] = v;
      }
      // Every transaction also deletes a few earlier keys, so pages are retired and reused.
      for (int i = 0; i < t * 3 && i < keys; i += 7) {
        std::string k = fmt::format("key-{:06d}", i);
        if (auto d = coll->del(k); !d.ok()) return fail("delete", d.status());
        expected.erase(k);
      }
      if (Status s = (*w)->commit(); !s.is_ok()) return fail("commit", s);
      fmt::print("commit {:>3}: generation {}, {} keys\n", t + 1, (*store)->meta().generation,
                  expected.size());
    }
  }
  // Reopen and verify everything.
  auto store = strata::Store::open(&vfs, path);
  if (!store.ok()) return fail("reopen", store.status());
  auto r = (*store)->begin_read();
  auto coll = strata::Collection::open(r->get(), "demo");
  if (!coll.ok()) return fail("open collection", coll.status());
  strata::RangeScan scan = coll->scan();
  if (Status s = scan.start(); !s.is_ok()) return fail("scan", s);
  auto it = expected.begin();
  size_t verified = 0;
  while (scan.valid()) {
    auto v = scan.value();
    if (!v.ok()) return fail("read", v.status());
    if (it == expected.end() || it->first != scan.key() || it->second != *v) {
      fmt::print(stderr, "demo failed: mismatch at key {}\n", std::string(scan.key()));
      return 1;
    }
    ++it;
    ++verified;
    if (Status s = scan.next(); !s.is_ok()) return fail("scan", s);
  }
  if (it != expected.end()) {
    fmt::print(stderr, "demo failed: key {} missing after reopen\n", it->first);
    return 1;
  }
  auto report = strata::check_store(store->get());
  if (!report.ok()) return fail("check", report.status());
  strata::StoreStats stats = (*store)->stats();
  fmt::print("reopened {}: verified {} keys; generation {}; {} pages of {} bytes, {} free\n", path,
             verified, stats.generation, stats.page_count, stats.page_size, stats.free_pages);
  fmt::print("check: {}", report->to_string());
  if (!report->ok()) return 1;
  fmt::print("verdict: OK\n");
  return 0;
}

struct CrashArgs {
  std::string workload = "default";
  std::vector<std::string> policies = {"honest"};
  std::vector<std::string> faults;
  std::string points = "all";
  std::vector<uint32_t> sectors = {512, 4096};
  std::string tear = "prefix";
  bool psow = true;
  uint64_t seed = 1;
  uint32_t exhaustive_bound = 10;
  uint32_t samples = 24;
  uint32_t fault_points = 0;
  std::string shard = "0/1";
  std::string report = "runs/crash";
  std::string protocol_bug = "none";
  std::string protocol = "one-sync";
  uint32_t page_size = 4096;
  bool shrink = true;
  bool progress = true;
  bool stop_at_first = false;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
};

CLI::App* add_crash_command(CLI::App& app, CrashArgs* a) {
  CLI::App* c = app.add_subcommand(
      "crash",
      "Crash sweep: run a workload over the fault VFS, crash it at every operation under every "
      "policy, recover each image with a fresh engine and compare with the predicted versions");
  c->add_option("--workload", a->workload,
                "default | churn | big-values | many-tables | FILE.sql")
      ->capture_default_str();
  c->add_option("--policy", a->policies,
                "crash-image policies: process-kill drop-unsynced sector-subset torn-sector "
                "reorder, or `honest` (all five) or `none`")
      ->capture_default_str();
  c->add_option("--faults", a->faults,
                "faults without a crash to sweep: eio-read eio-write enospc short-write "
                "fsync-fail bit-flip misdirected-write lying-fsync, or `io` (the five honest "
                "errors), `dishonest` (the three lies), `all`");
  c->add_option("--points", a->points,
                "crash points: all | a phase (create, pages, sync pages, meta slot, sync meta) "
                "| N (a seeded sample of N)")
      ->capture_default_str();
  c->add_option("--sector", a->sectors, "sector sizes of the device model (512, 4096)")
      ->capture_default_str();
  c->add_option("--tear", a->tear, "how a torn sector looks: atomic | prefix | suffix | arbitrary")
      ->capture_default_str();
  c->add_flag("--psow,!--no-psow", a->psow,
              "powersafe overwrite: a torn write leaves the rest of its sector intact");
  c->add_option("--seed", a->seed, "seed for sampled images and fault points")->capture_default_str();
  c->add_option("--exhaustive-bound", a->exhaustive_bound,
                "enumerate every image of a state with at most K pending units (2^K)")
      ->capture_default_str();
  c->add_option("--samples", a->samples, "images sampled per state above the bound")
      ->capture_default_str();
  c->add_option("--fault-points", a->fault_points,
                "ops per fault kind to inject at (0: every eligible op)")
      ->capture_default_str();
  c->add_option("--shard", a->shard, "i/n: visit only crash points i, i+n, i+2n, …")
      ->capture_default_str();
  c->add_option("--report", a->report, "run folder for summary.json, junit.xml, report.html")
      ->capture_default_str();
  c->add_option("--protocol-bug", a->protocol_bug,
                "testing only: run a deliberately broken commit protocol (meta-before-data-sync, "
                "no-data-sync, overwrite-active-slot, early-page-reuse, no-meta-checksum, "
                "unsynced-page-reachable, no-meta-sync)")
      ->capture_default_str();
  c->add_option("--protocol", a->protocol,
                "commit protocol: two-sync (pages, sync, meta, sync) or one-sync (pages and meta, "
                "one sync, verified at open)")
      ->capture_default_str();
  c->add_option("--page-size", a->page_size, "page size of the database")->capture_default_str();
  c->add_flag("--shrink,!--no-shrink", a->shrink,
              "shrink the first violation to the shortest workload prefix and earliest point");
  c->add_flag("--progress,!--no-progress", a->progress, "progress on stderr");
  c->add_flag("--stop-at-first", a->stop_at_first, "stop at the first violation");
  c->add_option("--jobs", a->jobs, "threads verifying crash points (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  return c;
}

strata::Result<strata::lab::SweepOptions> sweep_options(const CrashArgs& a) {
  using namespace strata;
  lab::SweepOptions o;
  STRATA_ASSIGN(o.workload, lab::load_workload(a.workload));
  STRATA_ASSIGN(o.policies, faults::parse_policy_list(a.policies));
  STRATA_ASSIGN(o.faults, faults::parse_fault_list(a.faults));
  o.points = a.points;
  o.sector_sizes = a.sectors;
  for (uint32_t s : o.sector_sizes) {
    if (s < 64 || (s & (s - 1)) != 0) {
      return Status::invalid_argument("sector size must be a power of two >= 64");
    }
  }
  auto tear = faults::parse_tear_mode(a.tear);
  if (!tear) return Status::invalid_argument("unknown tear mode \"" + a.tear + "\"");
  o.tear = *tear;
  o.powersafe_overwrite = a.psow;
  o.seed = a.seed;
  o.exhaustive_bound = a.exhaustive_bound;
  o.samples = a.samples;
  o.fault_points = a.fault_points;
  if (std::sscanf(a.shard.c_str(), "%u/%u", &o.shard_index, &o.shard_count) != 2 ||
      o.shard_count == 0 || o.shard_index >= o.shard_count) {
    return Status::invalid_argument("--shard wants i/n with i < n");
  }
  auto bug = parse_protocol_bug(a.protocol_bug);
  if (!bug) return Status::invalid_argument("unknown protocol bug \"" + a.protocol_bug + "\"");
  o.protocol_bug = *bug;
  auto protocol = parse_commit_protocol(a.protocol);
  if (!protocol) return Status::invalid_argument("unknown commit protocol \"" + a.protocol + "\"");
  o.commit_protocol = *protocol;
  o.page_size = a.page_size;
  o.stop_at_first_violation = a.stop_at_first;
  o.jobs = a.jobs;
  return o;
}

int run_crash(const CrashArgs& a) {
  using namespace strata;
  auto options = sweep_options(a);
  if (!options.ok()) {
    fmt::print(stderr, "error: {}\n", options.status().to_string());
    return 2;
  }
  const bool tty = a.progress && isatty(2);
  if (a.progress) {
    auto start = std::chrono::steady_clock::now();
    options->on_progress = [tty, start](size_t done, size_t total, uint64_t states) {
      double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      double rate = secs > 0 ? states / secs : 0;
      double eta = done > 0 ? secs * (total - done) / done : 0;
      if (tty) {
        int width = 30;
        int filled = total ? static_cast<int>(width * done / total) : width;
        fmt::print(stderr, "\r[{:<{}}] {}/{} points  {} states  {:.0f}/s  ETA {:.0f}s   ",
                   std::string(filled, '#'), width, done, total, states, rate, eta);
        if (done == total) fmt::print(stderr, "\n");
      } else if (done == total || done % 256 == 0) {
        fmt::print(stderr, "progress: {}/{} crash points, {} states, {:.0f} states/s\n", done,
                   total, states, rate);
      }
    };
  }
  auto report = lab::run_sweep(*options);
  if (!report.ok()) {
    fmt::print(stderr, "error: {}\n", report.status().to_string());
    return 2;
  }
  lab::RunInfo info;
  info.command = "strata-lab crash --workload " + a.workload;
  info.options = &*options;
  if (report->violations > 0 && a.shrink) {
    lab::shrink_first_violation(*options, &*report);
  }
  auto written = lab::write_run_folder(a.report, *report, info);
  if (!written.ok()) {
    fmt::print(stderr, "error: writing the report: {}\n", written.status().to_string());
    return 2;
  }
  fmt::print("{}", lab::text_summary(*report));
  for (const std::string& file : *written) fmt::print("replay: strata-lab replay {}\n", file);
  fmt::print("report: {}/report.html (summary.json, junit.xml)\n", a.report);
  fmt::print("verdict: {}\n", lab::one_line_verdict(*report));
  return report->violations == 0 ? 0 : 1;
}

int run_replay(const std::string& file) {
  using namespace strata;
  auto replay = lab::read_replay_file(file);
  if (!replay.ok()) {
    fmt::print(stderr, "error: {}\n", replay.status().to_string());
    return 2;
  }
  fmt::print("replaying {}: {}\n", file, replay->summary());
  auto outcome = lab::replay_state(replay->workload, replay->options, replay->record);
  if (!outcome.ok()) {
    fmt::print(stderr, "error: {}\n", outcome.status().to_string());
    return 2;
  }
  fmt::print("verdict: {}{}{}\n", lab::verdict_name(outcome->verdict),
             outcome->verdict == lab::Verdict::kViolation
                 ? " (" + std::string(lab::violation_name(outcome->kind)) + ")"
                 : "",
             outcome->detail.empty() ? "" : ": " + outcome->detail);
  if (outcome->verdict == lab::Verdict::kViolation) {
    fmt::print("reproduced: the recorded violation ({}) happens again\n",
               lab::violation_name(replay->record.outcome.kind));
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"strata-lab: Strata's crash-simulation and fault-injection testbed"};
  app.require_subcommand(1);

  std::string path = "runs/demo/demo.strata";
  int keys = 5000, transactions = 10;
  uint64_t seed = 1;
  CLI::App* demo = app.add_subcommand(
      "demo", "Write keys in several transactions to a real file, reopen, verify and check it");
  demo->add_option("--db", path, "database file to create (replaced if it exists)");
  demo->add_option("--keys", keys, "number of keys")->check(CLI::Range(1, 10000000));
  demo->add_option("--transactions", transactions, "number of transactions")
      ->check(CLI::Range(1, 100000));
  demo->add_option("--seed", seed, "seed for the values");

  CrashArgs crash_args;
  CLI::App* crash = add_crash_command(app, &crash_args);
  std::string replay_path;
  CLI::App* replay = app.add_subcommand(
      "replay", "Replay one recorded failure (a file written by `crash`) and print its verdict");
  replay->add_option("FILE", replay_path, "replay file (.json)")->required();

  strata::oracle::add_oracle_commands(app);
  strata::model::add_model_command(app);

  CLI11_PARSE(app, argc, argv);
  if (demo->parsed()) return run_demo(path, keys, transactions, seed);
  if (crash->parsed()) return run_crash(crash_args);
  if (replay->parsed()) return run_replay(replay_path);
  return 2;
}
