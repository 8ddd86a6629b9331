// The model checker (DESIGN §5, issue 6 part 5): a generated workload runs on Strata over a
// FaultVfs and on SQLite side by side; every statement's results are compared on the spot;
// after every commit SQLite's full contents become version k (a copy made with SQLite's backup
// API); crash steps cut the power at a point of the op log, and every image the chosen
// policies allow there is recovered by a fresh engine, checked (query::check_database) and
// compared with the SQLite versions the commit protocol predicts (lab::Predictor, from the op
// log alone); then the run goes on from one of those images, with SQLite rolled back to the
// version it holds, so one run crosses many crashes.
//
// An epoch is the stretch between two crashes: one MemVfs + FaultVfs + Strata database. Strata
// runs exactly as the crash testbed's run_workload runs a workload (same options, an "ack G"
// mark and a dump after every commit), so a crash-state failure of the first epoch is also a
// crash-testbed replay file (`strata-lab replay`).
//
// Crash points: after the whole log (choice 0), at a commit's page sync, meta write or meta
// sync, or after any disk-changing op of the last `crash_window` statements. Versions older
// than the window are dropped, except when a dishonest fault (bit flip, misdirected write,
// lying sync) may take the disk back further.
//
// Faults: a fault step arms one fault on the epoch's FaultVfs (seeded, fires once). A Strata
// I/O-level failure after a fault fired ends the epoch like a crash after the last op; a
// Strata failure without one, or any other disagreement, is a divergence.
//
// Everything is deterministic: one seed gives one input, one script, one verdict.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/store.h"
#include "faults/disk_model.h"
#include "faults/fault_vfs.h"
#include "lab/sweep.h"
#include "lab/verdict.h"
#include "model/sql_gen.h"
#include "oracle/strata_runner.h"

namespace strata::model {

struct ModelOptions {
  uint64_t seed = 1;
  size_t statements = 300;
  double crash_every = 25;  // a crash step after a statement with probability 1/crash_every
  double fault_every = 0;   // a fault step before a statement likewise (needs faults)
  std::vector<faults::Policy> policies = faults::all_policies();
  std::vector<faults::FaultKind> faults;
  faults::DeviceModel device;
  uint32_t exhaustive_bound = 4;  // every image of a crash point with at most K pending units
  uint32_t samples = 6;           // images sampled above the bound
  size_t crash_window = 3;        // statements back a crash point may lie
  uint32_t page_size = 4096;
  CommitProtocol commit_protocol = CommitProtocol::kOneSync;
  ProtocolBug protocol_bug = ProtocolBug::kNone;               // testing only
  oracle::PlantedBug planted_bug = oracle::PlantedBug::kNone;  // testing only
  bool shrink = true;
  size_t shrink_runs = 2000;    // at most this many runs while shrinking
  double shrink_seconds = 120;  // and at most this long
};

GenOptions gen_options(const ModelOptions& options);

// One step as it ran: a statement with its text, a crash with the point and image chosen, a
// fault with its schedule. The script of a run is what replays it.
struct ScriptStep {
  StepKind kind = StepKind::kSql;
  std::string sql;
  uint32_t crash_back = 0;   // 0: after the whole log; k: after the k-th last disk op in the window
  uint32_t crash_image = 0;  // which of the checked images the run goes on from (modulo)
  std::string fault;         // "eio-write@p=0.125,seed=77" (FaultSpec syntax)

  // "CREATE TABLE t0(a)", "-- model: crash back=2 image=5", "-- model: fault eio-write@p=..."
  std::string to_line() const;
};

// The script as text: a header (what made it, how to replay), then one line per step.
std::string script_text(const std::vector<ScriptStep>& script, const std::string& header);
// Parses script_text's format; any .sql file is a script without crash or fault steps.
Result<std::vector<ScriptStep>> parse_script(std::string_view text);

struct ModelStats {
  uint64_t statements = 0;       // run on both engines
  uint64_t queries = 0;          // of them, statements that returned a result table, diffed
  uint64_t failed_alike = 0;     // statements both engines refused
  uint64_t commits = 0;          // versions recorded
  uint64_t crashes = 0;          // crash points checked (crash steps and fault-ended epochs)
  uint64_t crash_states = 0;     // images recovered, checked and compared
  uint64_t distinct_images = 0;  // recovered by a fresh engine (the rest were memoized)
  uint64_t fault_steps = 0;
  uint64_t fault_epochs = 0;      // epochs a fault ended
  uint64_t fresh_restarts = 0;    // runs restarted empty after a (legal) corruption-detected
  uint64_t sqlite_optimizer = 0;  // disagreements that SQLite without its optimizer resolves
  std::map<std::string, uint64_t> faults_fired;
  // phase -> policy -> verdict -> count (crash-testbed terms)
  std::map<std::string, std::map<std::string, std::map<std::string, uint64_t>>> matrix;
  std::map<std::string, uint64_t> verdicts;  // verdict -> count
  double seconds = 0;

  void add(const ModelStats& other);
};

struct Failure {
  enum class Kind : uint8_t { kDivergence, kCrashState, kError };
  Kind kind = Kind::kDivergence;
  size_t step = 0;         // index of the failing step in the input
  size_t script_step = 0;  // index in the run's script
  std::string summary;     // one line
  std::string detail;      // both results, or the crash state
  // kCrashState: the state in the crash testbed's terms, and whether a fresh database running
  // `epoch_statements` reproduces it (the first epoch, no fault fired before the crash).
  lab::ViolationRecord record;
  size_t epoch = 0;
  bool lab_replayable = false;
  std::vector<std::string> epoch_statements;
  uint64_t op_log_hash = 0;
};
std::string_view failure_kind_name(Failure::Kind kind);

struct ModelRun {
  ModelStats stats;
  std::vector<ScriptStep> script;
  std::optional<Failure> failure;
  size_t statements_in_script() const;
};

ModelRun run_input(const Input& input, const ModelOptions& options);
ModelRun run_script(const std::vector<ScriptStep>& script, const ModelOptions& options);

struct ModelResult {
  uint64_t seed = 0;
  size_t input_steps = 0;
  ModelRun run;                    // of the generated input
  std::optional<ModelRun> shrunk;  // the smallest failing input found, when run failed
  size_t shrink_runs = 0;
  double shrink_seconds = 0;
  // The failure to report: the shrunk one when there is one.
  const ModelRun& final_run() const { return shrunk ? *shrunk : run; }
};

// Generates the input of options.seed, runs it, and shrinks a failure (options.shrink).
ModelResult check_seed(const ModelOptions& options);

}  // namespace strata::model
