// The run folder of a crash sweep: summary.json (everything, for tools), junit.xml (one test
// case per phase x policy cell and per fault x policy cell, for CI), report.html (for a
// person: the verdict matrix, an SVG timeline of the op log coloured by verdict, fault counts,
// throughput and the replay command of every failure; self-contained, no network), and one
// replay file per recorded violation.
//
// A replay file is self-contained JSON: the workload's statements, the engine options, the
// crash point or fault schedule, the device model, the exact image choice and the expected
// versions. `strata-lab replay FILE` rebuilds that one state and classifies it again.
#pragma once

#include <string>
#include <vector>

#include "lab/sweep.h"

namespace strata::lab {

struct RunInfo {
  std::string command;  // how the run was started
  const SweepOptions* options = nullptr;
};

// Writes the folder (created if missing) and returns the replay files written.
Result<std::vector<std::string>> write_run_folder(const std::string& dir, const SweepReport& report,
                                                  const RunInfo& info);

std::string text_summary(const SweepReport& report);
// "PASS: 0 violations in 51234 crash states (…)" or "FAIL: …".
std::string one_line_verdict(const SweepReport& report);

struct ReplayFile {
  Workload workload;
  SweepOptions options;  // page size, protocol bug, seed
  ViolationRecord record;
  uint64_t op_log_hash = 0;
  std::string summary() const;
};

std::string replay_json(const ReplayFile& replay);
Result<ReplayFile> parse_replay_json(std::string_view text);
Result<ReplayFile> read_replay_file(const std::string& path);

// Shrinks the first crash violation of a report: the shortest workload prefix that still
// fails under the same policy and device, and in it the earliest failing state. Replaces the
// first violation record with the shrunk one (the original stays in the others).
void shrink_first_violation(const SweepOptions& options, SweepReport* report);

}  // namespace strata::lab
