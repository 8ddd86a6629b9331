// `strata-lab model`: the model checker from the command line (random SQL on Strata and SQLite
// side by side, through crashes and faults; reports in the crash testbed's run-folder format).
//
//   CLI::App app{"strata-lab"};
//   strata::model::add_model_command(app);
//   CLI11_PARSE(app, argc, argv);
//
// Like the oracle's subcommands, it does its work in its CLI11 callback and ends parsing with
// CLI::RuntimeError(exit code): 0 when every seed passed (or a replayed script no longer
// fails), 1 on a failure, 2 on bad arguments or a run that could not start.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::model {

void add_model_command(CLI::App& app);

}  // namespace strata::model
