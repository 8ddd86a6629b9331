// The crash sweep (DESIGN §5): run a workload once fault-free over FaultVfs(MemVfs), recording
// the op log and every committed version; then for every crash point (after each op that can
// change the disk) x policy x image, recover a fresh engine from the image and classify the
// result against the prediction computed from the log alone.
//
// Images come from the DiskModel replayed along the log, so the engine runs once for all
// crash points (a crash at op N leaves exactly the state after op N-1, because nothing the
// engine did before N depended on N). Identical images are recovered once (memoized by their
// bytes) and counted for every state that produced them.
//
// Faults without a crash (eio-read, …, lying-fsync) change what the engine does next, so each
// fault point runs the workload again with that fault; then the disk left behind is recovered
// under process-kill and drop-unsynced, and every query the faulty run answered must equal the
// fault-free answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faults/disk_model.h"
#include "faults/fault_vfs.h"
#include "lab/run.h"
#include "lab/verdict.h"
#include "lab/workload.h"

namespace strata::lab {

struct SweepOptions {
  Workload workload;
  std::vector<faults::Policy> policies;       // empty: none (a fault-only sweep)
  std::vector<uint32_t> sector_sizes = {512};
  faults::TearMode tear = faults::TearMode::kPrefix;
  bool powersafe_overwrite = true;
  std::vector<faults::FaultKind> faults;      // no-crash faults to sweep
  std::string points = "all";                 // all | a phase name | N (seeded sample)
  uint32_t exhaustive_bound = 10;             // enumerate every image up to 2^K
  uint32_t samples = 24;                      // images per state above the bound
  uint32_t fault_points = 0;                  // per fault kind; 0 = every eligible op
  uint64_t seed = 1;
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  uint32_t page_size = 4096;
  ProtocolBug protocol_bug = ProtocolBug::kNone;
  CommitProtocol commit_protocol = CommitProtocol::kOneSync;
  size_t statement_limit = SIZE_MAX;
  bool stop_at_first_violation = false;
  size_t max_violation_records = 20;
  unsigned jobs = 1;                          // threads for the crash points
  // Called now and then with (crash points done, crash points total, states so far).
  std::function<void(size_t, size_t, uint64_t)> on_progress;
};

// One failing state, with everything a replay file needs.
struct ViolationRecord {
  std::string mode;  // "crash" or "fault"
  uint64_t crash_after_op = 0;
  std::string op;     // the op log line of that op
  std::string phase;
  std::string policy;
  faults::DeviceModel device;
  faults::ImageChoice choice;
  std::string fault;  // fault mode: the schedule ("eio-write@op=17")
  Expected expected;
  Outcome outcome;
  size_t statements = 0;  // workload prefix length that shows it
};

// One row of the op-log timeline (disk-changing ops only).
struct TimelineOp {
  uint64_t seq = 0;
  std::string kind;
  std::string label;
  std::string phase;
  std::string worst;  // the worst verdict of any state after this op ("" if not a crash point)
};

struct SweepReport {
  std::string workload;
  size_t statements = 0;
  size_t versions = 0;
  uint64_t ops = 0;
  uint64_t disk_ops = 0;       // ops that can change the disk: the crash points
  uint64_t crash_points = 0;   // visited (after --points and --shard)
  uint64_t states = 0;         // crash states verified
  uint64_t states_exhaustive = 0;  // of which from fully enumerated points
  uint64_t states_sampled = 0;     // of which from sampled points
  uint64_t distinct_images = 0;    // recovered by a fresh engine (the rest were memoized)
  uint64_t fault_runs = 0;
  std::map<std::string, uint64_t> fault_fired;
  // phase -> column ("policy" or "policy/sector") -> verdict -> count
  std::map<std::string, std::map<std::string, std::map<std::string, uint64_t>>> matrix;
  // fault kind -> policy -> verdict -> count
  std::map<std::string, std::map<std::string, std::map<std::string, uint64_t>>> fault_matrix;
  uint64_t violations = 0;
  std::vector<ViolationRecord> violation_records;
  std::vector<TimelineOp> timeline;
  double seconds = 0;
  uint64_t op_log_hash = 0;  // of the fault-free run: the same seed gives the same log

  double states_per_second() const { return seconds > 0 ? states / seconds : 0; }
};

// Runs the sweep. Errors only for bad options or a workload that fails fault-free.
Result<SweepReport> run_sweep(const SweepOptions& options);

// The phase a crash after this op falls in: create, pages, sync pages, meta slot, sync meta,
// other.
std::string phase_of(const faults::Op& op);
const std::vector<std::string>& phase_order();
uint64_t hash_op_log(const faults::OpLog& log);

// Rebuilds the one state a violation record names and classifies it again.
Result<Outcome> replay_state(const Workload& workload, const SweepOptions& options,
                             const ViolationRecord& record);

}  // namespace strata::lab
