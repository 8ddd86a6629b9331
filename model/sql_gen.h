// The model checker's random SQL generator (DESIGN §5, issue 6 part 4).
//
// A generated input is a list of Steps made with RapidCheck, so that a failing input shrinks:
// steps are removed (in chunks, then one by one) and each step's choices move towards zero.
// A statement step holds no SQL text, only choices; render_statement() turns them into one
// statement for the schema the database has at that moment (read from SQLite's catalog), so
// every shrunk input still renders into statements that name existing tables and columns.
// Choice 0 is always the simplest option (the first statement kind, no optional clause, the
// smallest number), so shrinking simplifies the statements as well as removing them. Crash
// and fault steps are part of the same input: the fault schedule shrinks with the workload.
//
// What it emits is what Strata runs (docs/sql.md §0): tables with mixed declared types,
// INTEGER PRIMARY KEY, PRIMARY KEY/UNIQUE/NOT NULL/DEFAULT/CHECK constraints, indexes and
// views; INSERT (VALUES, SELECT, OR IGNORE/REPLACE, DEFAULT VALUES), UPDATE, DELETE,
// BEGIN/COMMIT/ROLLBACK, DROP, ANALYZE; queries with expressions and functions, joins
// (inner, LEFT, CROSS, USING), aggregates with GROUP BY/HAVING, subqueries (scalar, IN,
// EXISTS, correlated, in FROM), compound SELECTs and views. It avoids what SQLite leaves
// open, so that Strata's answer must equal SQLite's:
//   - row order: a query's rows are compared as a multiset unless ORDER BY names every
//     output column; LIMIT only comes with such an ORDER BY; INSERT ... SELECT orders by rowid;
//   - which of equal values a scan meets first (1 and 1.0): min(), max(), GROUP BY keys and
//     DISTINCT aggregates only on columns with an affinity (ColumnInfo::settled), no bare
//     columns, group_concat only under length(hex()) (length() of text stops at a NUL, so
//     it would see the order);
//   - order-dependent arithmetic: stored reals are multiples of 1/4 near zero and UPDATE only
//     adds small amounts, so sum(), avg() and total() are exact in any order;
//   - run-time errors only where both engines evaluate the same rows (result columns of a
//     query without LIMIT, and SET), never in WHERE; UPDATE writes a UNIQUE column with an
//     expression only for one row, and OR IGNORE/OR REPLACE only for one row;
//   - values of kilobytes only in the wide column "w", which is never indexed, and no SET
//     that grows a value (index keys have a size limit Strata refuses to exceed);
//   - a table is dropped only once no view names it (made again with other affinities, it
//     would give the view's max() and GROUP BY equal values of two types).
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/schema.h"

namespace strata::model {

enum class StepKind : uint8_t {
  kSql,    // one statement, rendered from the choices
  kCrash,  // power loss: choices pick the crash point and the image the run goes on from
  kFault,  // arm a fault (eio-write, ...): choices pick the kind, probability and seed
};
std::string_view step_kind_name(StepKind kind);

struct Step {
  StepKind kind = StepKind::kSql;
  std::vector<uint8_t> choices;
};
using Input = std::vector<Step>;

inline constexpr size_t kChoicesPerStep = 24;

struct GenOptions {
  size_t statements = 200;  // statement steps
  double crash_every = 25;  // after each statement a crash step with probability 1/crash_every
  double fault_every = 0;   // likewise a fault step (0: never)
};

// The steps of one input, each still shrinkable: the model checker cuts the list after the
// step that failed before it shrinks (shrinkable_input).
using StepShrinkables = std::vector<rc::Shrinkable<Step>>;
StepShrinkables generate_steps(const GenOptions& options, uint64_t seed);
// The input made of these steps; its shrinks remove chunks of steps, then shrink each step.
rc::Shrinkable<Input> shrinkable_input(StepShrinkables steps);
// The same as a RapidCheck generator (for properties): options.statements steps at most.
rc::Gen<Input> gen_input(const GenOptions& options);
rc::Gen<Step> gen_step(StepKind kind);

// Reads choices: while a step's bytes last, pick(n) is the next byte modulo n (0 -> the
// first option); after them, a PRNG seeded by the bytes goes on.
class Choices {
 public:
  explicit Choices(std::span<const uint8_t> bytes);
  uint32_t pick(uint32_t n);     // in [0, n); REQUIRES n > 0
  int range(int lo, int hi);     // in [lo, hi]
  bool maybe(uint32_t percent);  // true with about this probability; false on choice 0
  // Index into weights (at least one positive), by weight; choice 0 -> the first.
  size_t weighted(std::span<const uint32_t> weights);

 private:
  std::span<const uint8_t> bytes_;
  size_t next_ = 0;
  std::mt19937_64 rng_;
};

// One statement, from a step's choices, for this schema. in_transaction: a BEGIN is open.
std::string render_statement(std::span<const uint8_t> choices, const Schema& schema,
                             bool in_transaction);

}  // namespace strata::model
