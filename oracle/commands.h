// The oracle's strata-lab subcommands: `diff` (Strata against SQLite, statement by
// statement) and `slt` (the sqllogictest runner).
//
//   CLI::App app{"strata-lab"};
//   strata::oracle::add_oracle_commands(app);
//   CLI11_PARSE(app, argc, argv);
//
// Each subcommand does its work in its CLI11 callback and ends parsing with
// CLI::RuntimeError(exit code) — 0 included — which CLI11_PARSE turns into main's return
// value without printing anything, so main needs no other code for them.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::oracle {

void add_oracle_commands(CLI::App& app);

}  // namespace strata::oracle
