// The model checker's run folder, in the crash testbed's format (lab/report.h): summary.json
// (every figure, for tools), junit.xml (one test case per seed, and one per commit phase x
// policy cell of the crash states, for CI), report.html (for a person: figures, throughput,
// the verdict matrix, each seed's outcome and the replay commands; no network), and per failing
// seed its shrunk script (failure-NNN.sql, which `strata-lab model --script` replays, and
// `strata-lab diff` too when it holds no crash or fault step) and, for a crash-state failure
// the crash testbed reproduces on its own, a replay file (replay-NNN.json, `strata-lab replay`).
#pragma once

#include <string>
#include <vector>

#include "model/checker.h"

namespace strata::model {

struct ModelReport {
  std::string command;  // how the run was started
  ModelOptions options;
  std::vector<ModelResult> results;  // one per seed

  ModelStats totals() const;  // of the generated inputs' runs (not the shrinking runs)
  size_t failures() const;
  size_t divergences() const;
  size_t violations() const;  // crash-state failures
};

// The flags that make `strata-lab model` run with these options (for replay commands), with
// " --seed S" first when with_seed.
std::string option_flags(const ModelOptions& options, bool with_seed = true);

// Writes the folder (created if missing; old failure and replay files removed) and returns the
// files written for failures (scripts and replay files).
Result<std::vector<std::string>> write_model_folder(const std::string& dir,
                                                    const ModelReport& report);

std::string model_text_summary(const ModelReport& report);
// "PASS: 3 seeds, 3000 statements, 95 crashes (2431 crash states), 0 divergences, 0 violations"
std::string model_verdict(const ModelReport& report);

}  // namespace strata::model
