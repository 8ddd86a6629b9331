#include "model/checker.h"

#include <fmt/core.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "engine/query/integrity.h"
#include "model/contents.h"
#include "oracle/diff.h"
#include "oracle/script.h"
#include "oracle/sqlite.h"
#include "vfs/mem_vfs.h"

namespace strata::model {

namespace {

constexpr const char* kDbPath = "db/strata.db";  // where lab/sweep.cc keeps it (replay files)
constexpr std::string_view kMarker = "-- model:";

query::DatabaseOptions strata_options(const ModelOptions& o) {
  // As lab::run_workload opens it, so the first epoch's op log is a crash-testbed workload's.
  query::DatabaseOptions d;
  d.store.page_size = o.page_size;
  d.store.commit_protocol = o.commit_protocol;
  d.store.protocol_bug = o.protocol_bug;
  d.store.cache_bytes = lab::RunOptions{}.cache_bytes;
  return d;
}

StoreOptions recovery_options(const ModelOptions& o) {
  StoreOptions s;
  s.page_size = o.page_size;
  s.commit_protocol = o.commit_protocol;
  s.protocol_bug = o.protocol_bug;
  return s;
}

bool dishonest_fault(const std::string& fault) {
  return fault.rfind("bit-flip", 0) == 0 || fault.rfind("misdirected-write", 0) == 0 ||
         fault.rfind("lying-fsync", 0) == 0;
}

uint64_t fired_total(const faults::FaultVfs& fvs) {
  uint64_t n = 0;
  for (const auto& [name, count] : fvs.fired()) n += count;
  return n;
}

bool is_select(std::string_view sql) {
  size_t i = sql.find_first_not_of(" \t\r\n(");
  return i != std::string_view::npos && sql.size() - i >= 6 &&
         (sql.substr(i, 6) == "SELECT" || sql.substr(i, 6) == "select" ||
          sql.substr(i, 6) == "VALUES");
}

// What a fresh engine makes of an image: open, check, and the contents' hash (contents.h).
lab::Recovery recover_image(const faults::DiskImage& image, const StoreOptions& store) {
  lab::Recovery r;
  vfs::MemVfs mem;
  for (const auto& [path, bytes] : image) mem.write_file(path, bytes);
  query::DatabaseOptions options;
  options.store = store;
  auto db = query::Database::open(&mem, kDbPath, options);
  if (!db.ok()) {
    r.failed_at = lab::Recovery::Stage::kOpen;
    r.code = db.status().code();
    r.message = db.status().to_string();
    return r;
  }
  auto report = query::check_database(db->get());
  if (!report.ok() || !report->ok()) {
    r.failed_at = lab::Recovery::Stage::kCheck;
    r.code = report.ok() ? StatusCode::kCorruption : report.status().code();
    if (!report.ok()) {
      r.message = report.status().to_string();
      return r;
    }
    // The first issues, as lab::recover reports them.
    for (size_t i = 0; i < report->issues.size() && i < 3; ++i) {
      r.message += (i ? "; " : "") + report->issues[i].to_string();
    }
    if (report->issues.size() > 3) {
      r.message += fmt::format("; and {} more", report->issues.size() - 3);
    }
    return r;
  }
  auto contents = strata_contents(db->get());
  if (!contents.ok()) {
    r.failed_at = lab::Recovery::Stage::kDump;
    r.code = contents.status().code();
    r.message = contents.status().to_string();
    return r;
  }
  r.dump_hash = lab::hash_bytes(*contents);
  return r;
}

// The first line where two contents texts differ: got's line, then want's.
std::string first_difference(const std::string& got, const std::string& want) {
  size_t a = 0, b = 0;
  while (a < got.size() || b < want.size()) {
    size_t ea = std::min(got.find('\n', a), got.size());
    size_t eb = std::min(want.find('\n', b), want.size());
    std::string_view la(got.data() + a, ea - a), lb(want.data() + b, eb - b);
    if (la != lb || a >= got.size() || b >= want.size()) {
      auto shown = [](std::string_view line) {
        return line.empty() ? std::string("(end)") : std::string(line.substr(0, 120));
      };
      return fmt::format("\"{}\" where the other has \"{}\"", shown(la), shown(lb));
    }
    a = ea + 1;
    b = eb + 1;
  }
  return "the same contents";
}

// A committed version: SQLite's contents when Strata's commit of that generation returned.
struct Version {
  std::unique_ptr<oracle::Sqlite> db;
  std::optional<uint64_t> hash;
};

class Checker {
 public:
  explicit Checker(const ModelOptions& options) : o_(options) {}

  Status start() {
    STRATA_ASSIGN(std::unique_ptr<oracle::Sqlite> sqlite, oracle::Sqlite::open());
    return begin_epoch(nullptr, std::move(sqlite));
  }

  // The step's script form, from its choices and the schema now.
  Result<std::optional<ScriptStep>> script_step(const Step& step) {
    ScriptStep s;
    s.kind = step.kind;
    auto at = [&](size_t i) -> uint32_t { return i < step.choices.size() ? step.choices[i] : 0; };
    switch (step.kind) {
      case StepKind::kSql: {
        STRATA_ASSIGN(Schema schema, read_schema(sqlite_->handle()));
        s.sql = render_statement(step.choices, schema, sqlite_in_transaction());
        break;
      }
      case StepKind::kCrash: {
        // After the whole log, or at a commit's meta write or sync (where the protocol is
        // most delicate), or at any disk op of the window.
        const std::vector<uint64_t> points = crash_points();
        const faults::OpLog& log = fvs_->log();
        std::vector<size_t> commit_points;
        for (size_t i = 0; i < points.size(); ++i) {
          std::string phase = lab::phase_of(log[points[i]]);
          if (phase == "meta slot" || phase == "sync meta" || phase == "sync pages") {
            commit_points.push_back(i);
          }
        }
        if (at(0) < 90) {
          s.crash_back = 0;
        } else if (at(0) < 170 && !commit_points.empty()) {
          s.crash_back = static_cast<uint32_t>(points.size() - 1 -
                                               commit_points[at(1) % commit_points.size()]);
        } else {
          s.crash_back = static_cast<uint32_t>((at(1) | at(4) << 8) % points.size());
        }
        s.crash_image = at(2) | at(3) << 8;
        break;
      }
      case StepKind::kFault: {
        if (o_.faults.empty()) return std::optional<ScriptStep>();
        faults::FaultSpec spec;
        spec.kind = o_.faults[at(0) % o_.faults.size()];
        spec.probability = static_cast<double>(at(1) % 16 + 1) / 64.0;
        spec.seed = at(2) | at(3) << 8 | at(4) << 16;
        spec.max_fires = 1;
        s.fault = spec.to_string();
        break;
      }
    }
    return std::optional<ScriptStep>(std::move(s));
  }

  // Runs one step; false once the run has failed (failure_ says why).
  bool run(const ScriptStep& step, size_t input_index) {
    script_.push_back(step);
    switch (step.kind) {
      case StepKind::kSql:
        return run_sql(step.sql, input_index);
      case StepKind::kCrash:
        return run_crash(step, input_index);
      case StepKind::kFault:
        return run_fault(step, input_index);
    }
    return true;
  }

  // The end of a run: the contents must agree (no crash follows to compare them).
  void finish(size_t input_index) {
    if (!failure_ && strata_) same_contents(input_index);
    if (fvs_) collect_fired();
  }

  bool sqlite_in_transaction() const { return sqlite3_get_autocommit(sqlite_->handle()) == 0; }

  ModelStats stats_;
  std::vector<ScriptStep> script_;
  std::optional<Failure> failure_;

 private:
  void collect_fired() {
    for (const auto& [name, count] : fvs_->fired()) stats_.faults_fired[name] += count;
  }

  bool fail(Failure::Kind kind, size_t input_index, std::string summary, std::string detail) {
    Failure f;
    f.kind = kind;
    f.step = input_index;
    f.script_step = script_.empty() ? 0 : script_.size() - 1;
    f.summary = std::move(summary);
    f.detail = std::move(detail);
    f.epoch = epoch_;
    failure_ = std::move(f);
    return false;
  }

  // A new epoch: Strata on `image` (a fresh database when null), SQLite as `sqlite`.
  Status begin_epoch(const faults::DiskImage* image, std::unique_ptr<oracle::Sqlite> sqlite) {
    if (fvs_) {
      collect_fired();
      ++epoch_;
    }
    strata_.reset();
    fvs_.reset();
    mem_ = std::make_unique<vfs::MemVfs>();
    if (image != nullptr) {
      for (const auto& [path, bytes] : *image) mem_->write_file(path, bytes);
    }
    fvs_ = std::make_unique<faults::FaultVfs>(mem_.get());
    STRATA_ASSIGN(strata_, oracle::StrataRunner::open_on(fvs_.get(), kDbPath, strata_options(o_)));
    strata_->set_planted_bug(o_.planted_bug);
    generation_ = strata_->db()->store()->meta().generation;
    fvs_->mark("ack " + std::to_string(generation_));
    epoch_start_ = epoch_ == 0 ? 0 : fvs_->next_seq() - 1;
    STRATA_TRY(lab::dump_database(strata_->db()).status());
    sqlite_ = std::move(sqlite);
    versions_.clear();
    STRATA_ASSIGN(versions_[generation_].db, copy_sqlite(sqlite_->handle()));
    statement_start_.clear();
    generation_before_.clear();
    epoch_statements_.clear();
    dishonest_armed_ = false;
    return Status::ok();
  }

  Result<uint64_t> version_hash(Version& v) {
    if (!v.hash) {
      STRATA_ASSIGN(std::string contents, sqlite_contents(v.db->handle()));
      v.hash = lab::hash_bytes(contents);
    }
    return *v.hash;
  }

  bool run_sql(const std::string& sql, size_t input_index) {
    ++stats_.statements;
    statement_start_.push_back(fvs_->next_seq());
    generation_before_.push_back(generation_);
    epoch_statements_.push_back(sql);
    oracle::SqlResult expected = sqlite_->execute(sql);
    oracle::SqlResult actual = strata_->execute(sql);
    // A fault that fired in this epoch, now or earlier (a failed sync poisons the handle, and
    // the next statement fails).
    const bool fault_fired = epoch_faults_fired();
    const bool damaged = dishonest_damage();  // noted every statement: fvs_ is per epoch

    // Versions, exactly as the crash testbed's runner notes them.
    std::string version_problem;
    Status dumped;
    const uint64_t now = strata_->db()->store()->meta().generation;
    if (now != generation_) {
      if (now != generation_ + 1) {
        version_problem =
            fmt::format("one statement moved the generation from {} to {}", generation_, now);
      }
      generation_ = now;
      fvs_->mark("ack " + std::to_string(generation_));
      ++stats_.commits;
      if (sqlite_in_transaction()) {
        version_problem = "strata committed generation " + std::to_string(now) +
                          " while sqlite is inside a transaction";
      } else {
        auto copy = copy_sqlite(sqlite_->handle());
        if (!copy.ok()) {
          return fail(Failure::Kind::kError, input_index, "copying sqlite failed",
                      copy.status().to_string());
        }
        versions_[now].db = std::move(copy).value();
        versions_[now].hash.reset();
      }
      dumped = lab::dump_database(strata_->db()).status();
    }

    const bool fatal = (!actual.ok && lab::is_fatal(actual.code)) ||
                       (!dumped.is_ok() && lab::is_fatal(dumped.code()));
    const bool corrupt = (!actual.ok && actual.code == StatusCode::kCorruption) ||
                         (!dumped.is_ok() && dumped.code() == StatusCode::kCorruption);
    if (fatal && (fault_fired || (corrupt && damaged))) return fault_ended(input_index);
    if (!dumped.is_ok() && !fatal) {
      return fail(Failure::Kind::kError, input_index, "dumping strata failed", dumped.to_string());
    }

    if (actual.ok || !fatal) {
      std::optional<oracle::Divergence> d =
          oracle::diff_results(*sqlite_, sql, expected, actual, oracle::DiffOptions{});
      if (d && is_select(sql) && sqlite_without_optimizer_agrees(sql, actual)) {
        ++stats_.sqlite_optimizer;
        d.reset();
      }
      if (d) {
        return fail(Failure::Kind::kDivergence, input_index, "divergence: " + d->mismatch,
                    oracle::format_divergence("", *d));
      }
    } else {
      return fail(Failure::Kind::kDivergence, input_index,
                  "strata failed at the I/O level with no fault injected: " + actual.error,
                  "sql: " + sql + "\nsqlite: " + oracle::describe_result(expected) +
                      "\nstrata: " + oracle::describe_result(actual));
    }
    if (expected.ok && expected.column_count() > 0) ++stats_.queries;
    if (!expected.ok && !actual.ok) ++stats_.failed_alike;
    if (sqlite_in_transaction() != strata_->db()->in_transaction()) {
      return fail(Failure::Kind::kDivergence, input_index, "transaction state differs",
                  "after: " + sql +
                      "\nsqlite in a transaction: " + (sqlite_in_transaction() ? "yes" : "no"));
    }
    if (!version_problem.empty()) {
      return fail(Failure::Kind::kError, input_index, version_problem, "after: " + sql);
    }
    prune_versions();
    return true;
  }

  bool epoch_faults_fired() const { return fired_total(*fvs_) > 0; }

  // Flipped, misdirected or lost (lying sync) bytes stay on the disk across crashes: once one
  // fired, any later epoch may read them, and a clear corruption error is then a right answer
  // (found: seed 3042 with --faults all read a page damaged two epochs before).
  bool dishonest_damage() {
    for (const auto& [name, count] : fvs_->fired()) {
      const bool lie = name == "bit-flip" || name == "misdirected-write" || name == "lying-fsync";
      if (count > 0 && lie) damage_ = true;
    }
    return damage_;
  }

  // SQLite 3.40's optimizer has bugs random queries find; when SQLite without it gives Strata's
  // answer, the disagreement is SQLite's (counted, not a failure).
  bool sqlite_without_optimizer_agrees(const std::string& sql, const oracle::SqlResult& actual) {
    sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, sqlite_->handle(), 0xffffffff);
    oracle::SqlResult plain = sqlite_->execute(sql);
    sqlite3_test_control(SQLITE_TESTCTRL_OPTIMIZATIONS, sqlite_->handle(), 0);
    return !oracle::diff_results(*sqlite_, sql, plain, actual, oracle::DiffOptions{});
  }

  // Versions no crash point in the window can predict any more. One older version stays: a
  // dishonest fault armed from now on (a flipped bit in the newer meta slot) may take the disk
  // back to it; once one is armed nothing is dropped.
  void prune_versions() {
    if (dishonest_armed_) return;
    size_t n = generation_before_.size();
    if (n <= o_.crash_window) return;
    uint64_t keep = generation_before_[n - o_.crash_window];
    auto first_kept = versions_.lower_bound(keep);
    if (first_kept == versions_.begin()) return;
    versions_.erase(versions_.begin(), std::prev(first_kept));
  }

  bool run_fault(const ScriptStep& step, size_t input_index) {
    auto spec = faults::parse_fault_spec(step.fault);
    if (!spec.ok()) {
      return fail(Failure::Kind::kError, input_index, "bad fault step", spec.status().to_string());
    }
    fvs_->add_fault(*spec);
    ++stats_.fault_steps;
    dishonest_armed_ = dishonest_armed_ || faults::is_dishonest(spec->kind);
    return true;
  }

  // Where the power may go: after any disk-changing op of the last crash_window statements,
  // and after the whole log (the last point).
  std::vector<uint64_t> crash_points() const {
    const faults::OpLog& log = fvs_->log();
    const size_t n = statement_start_.size();
    // A later epoch's crash points begin after its "ack": before it the prediction knows
    // nothing of the version the epoch started from.
    const uint64_t window =
        n == 0 ? epoch_start_ : statement_start_[n - std::min(n, o_.crash_window)];
    std::vector<uint64_t> points;
    for (uint64_t seq = window; seq < log.size(); ++seq) {
      if (faults::changes_disk(log[seq].kind)) points.push_back(seq);
    }
    const uint64_t end = log.size() - 1;
    if (points.empty() || points.back() != end) points.push_back(end);
    return points;
  }

  // Statements that change rows without a query reading them are compared here: the live
  // Strata database must hold what SQLite holds (before a crash, and at the end of a run), or
  // a crash state would be blamed for a difference the statements made.
  bool same_contents(size_t input_index) {
    auto want = sqlite_contents(sqlite_->handle());
    auto got = strata_contents(strata_->db());
    // An armed fault may fire on these reads (an injected read error); the crash that follows
    // is checked all the same.
    if (!got.ok() && lab::is_fatal(got.status().code()) && epoch_faults_fired()) return true;
    if (!want.ok() || !got.ok()) {
      return fail(Failure::Kind::kError, input_index, "reading the contents failed",
                  (want.ok() ? got.status() : want.status()).to_string());
    }
    if (*want == *got) return true;
    return fail(Failure::Kind::kDivergence, input_index,
                "divergence: the databases hold different contents after " +
                    (epoch_statements_.empty() ? std::string("the start of the epoch")
                                               : "\"" + epoch_statements_.back() + "\""),
                "strata has " + first_difference(*got, *want));
  }

  bool run_crash(const ScriptStep& step, size_t input_index) {
    // The point first: reading the contents adds reads to the log (and may fire a fault).
    const std::vector<uint64_t> points = crash_points();
    const uint64_t crash_after = points[points.size() - 1 - step.crash_back % points.size()];
    if (!same_contents(input_index)) return false;
    return check_crash(crash_after, step.crash_image, input_index);
  }

  // A fault made Strata fail at the I/O level: the epoch ends as if the power went after the
  // last op. The commit the failure interrupted may have reached the disk: its version is
  // SQLite's contents now, if SQLite committed the statement.
  bool fault_ended(size_t input_index) {
    ++stats_.fault_epochs;
    if (!sqlite_in_transaction() && versions_.count(generation_ + 1) == 0) {
      auto copy = copy_sqlite(sqlite_->handle());
      if (!copy.ok()) {
        return fail(Failure::Kind::kError, input_index, "copying sqlite failed",
                    copy.status().to_string());
      }
      versions_[generation_ + 1].db = std::move(copy).value();
    }
    return check_crash(fvs_->log().size() - 1, static_cast<uint32_t>(input_index), input_index);
  }

  bool check_crash(uint64_t crash_after, uint32_t image_pick, size_t input_index) {
    if (o_.policies.empty()) return true;
    ++stats_.crashes;
    const faults::OpLog& log = fvs_->log();
    faults::DiskModel model;
    lab::Predictor predictor;
    bool dishonest = false, fired = false;
    for (uint64_t i = 0; i <= crash_after; ++i) {
      model.apply(log[i]);
      predictor.apply(log[i]);
      dishonest = dishonest || dishonest_fault(log[i].fault);
      fired = fired || !log[i].fault.empty();
    }
    const lab::Expected expected = predictor.expected();
    std::vector<lab::Version> versions;
    for (auto& [generation, version] : versions_) {
      auto hash = version_hash(version);
      if (!hash.ok()) {
        return fail(Failure::Kind::kError, input_index, "reading a sqlite version failed",
                    hash.status().to_string());
      }
      lab::Version v;
      v.generation = generation;
      v.hash = *hash;
      versions.push_back(std::move(v));
    }
    const std::string phase = lab::phase_of(log[crash_after]);
    struct Checked {
      faults::Policy policy;
      faults::ImageChoice choice;
      lab::Outcome outcome;
    };
    std::vector<Checked> checked;
    for (size_t c = 0; c < o_.policies.size(); ++c) {
      const faults::Policy policy = o_.policies[c];
      const std::string policy_name(faults::policy_name(policy));
      faults::ImageEnumerator images(model.unit_count(policy, o_.device), policy,
                                     o_.exhaustive_bound, o_.samples,
                                     o_.seed * 1000003 + crash_after * 31 + c + epoch_ * 7919);
      for (size_t k = 0; k < images.count(); ++k) {
        faults::ImageChoice choice = images.choice(k);
        faults::DiskImage image = model.build(policy, o_.device, choice);
        const lab::Recovery& recovery = recover_memo(image);
        lab::Outcome outcome = lab::classify(recovery, expected, versions, dishonest);
        const std::string verdict(lab::verdict_name(outcome.verdict));
        ++stats_.matrix[phase][policy_name][verdict];
        ++stats_.verdicts[verdict];
        ++stats_.crash_states;
        if (outcome.verdict == lab::Verdict::kViolation) {
          Failure f;
          f.kind = Failure::Kind::kCrashState;
          f.step = input_index;
          f.script_step = script_.size() - 1;
          f.epoch = epoch_;
          f.summary =
              fmt::format("{} after op {} ({}) under {}: {}", lab::violation_name(outcome.kind),
                          crash_after, phase, policy_name, outcome.detail);
          lab::ViolationRecord& r = f.record;
          r.mode = "crash";
          r.crash_after_op = crash_after;
          r.op = log[crash_after].to_string();
          r.phase = phase;
          r.policy = policy_name;
          r.device = o_.device;
          r.choice = choice;
          r.expected = expected;
          r.outcome = outcome;
          r.statements = epoch_statements_.size();
          f.detail = fmt::format(
              "epoch {} (after {} crash{}), {} statements in it; crash after op {}: {}\n"
              "policy {} {} image {}\nexpected {}; {}",
              epoch_, epoch_, epoch_ == 1 ? "" : "es", epoch_statements_.size(), crash_after, r.op,
              policy_name, o_.device.to_string(), choice.describe(), expected.describe(),
              outcome.detail);
          f.detail += explain_contents(image, expected);
          f.lab_replayable = epoch_ == 0 && !fired;
          f.epoch_statements = epoch_statements_;
          f.op_log_hash = lab::hash_op_log(log);
          failure_ = std::move(f);
          return false;
        }
        checked.push_back(Checked{policy, std::move(choice), std::move(outcome)});
      }
    }
    // Go on from one of the images.
    const Checked& next = checked[image_pick % checked.size()];
    faults::DiskImage image = model.build(next.policy, o_.device, next.choice);
    Status s;
    if (next.outcome.verdict == lab::Verdict::kCorruptionDetected) {
      ++stats_.fresh_restarts;
      auto sqlite = oracle::Sqlite::open();
      s = sqlite.ok() ? begin_epoch(nullptr, std::move(sqlite).value()) : sqlite.status();
    } else {
      auto copy = copy_sqlite(versions_.at(*next.outcome.recovered).db->handle());
      s = copy.ok() ? begin_epoch(&image, std::move(copy).value()) : copy.status();
    }
    if (!s.is_ok()) {
      return fail(Failure::Kind::kError, input_index,
                  "cannot go on from the recovered image: " + s.to_string(),
                  fmt::format("policy {} image {}", faults::policy_name(next.policy),
                              next.choice.describe()));
    }
    return true;
  }

  // For a recovered image that opens: where its contents first differ from each predicted
  // version's (SQLite's), so a report shows the wrong rows.
  std::string explain_contents(const faults::DiskImage& image, const lab::Expected& expected) {
    vfs::MemVfs mem;
    for (const auto& [path, bytes] : image) mem.write_file(path, bytes);
    query::DatabaseOptions options;
    options.store = recovery_options(o_);
    auto db = query::Database::open(&mem, kDbPath, options);
    if (!db.ok()) return "";
    auto recovered = strata_contents(db->get());
    if (!recovered.ok()) return "";
    std::string out;
    std::vector<uint64_t> predicted = {expected.durable};
    if (expected.in_flight) predicted.push_back(*expected.in_flight);
    for (uint64_t g : predicted) {
      auto it = versions_.find(g);
      if (it == versions_.end()) continue;
      auto want = sqlite_contents(it->second.db->handle());
      if (!want.ok()) continue;
      out += fmt::format("\nrecovered (generation {}) vs version {}: the recovered database has {}",
                         (*db)->store()->meta().generation, g, first_difference(*recovered, *want));
    }
    return out;
  }

  const lab::Recovery& recover_memo(const faults::DiskImage& image) {
    if (memo_.size() > 50000) memo_.clear();
    uint64_t h = lab::hash_image(image);
    auto it = memo_.find(h);
    if (it != memo_.end()) return it->second;
    ++stats_.distinct_images;
    return memo_.emplace(h, recover_image(image, recovery_options(o_))).first->second;
  }

  const ModelOptions& o_;
  std::unique_ptr<vfs::MemVfs> mem_;
  std::unique_ptr<faults::FaultVfs> fvs_;
  std::unique_ptr<oracle::StrataRunner> strata_;
  std::unique_ptr<oracle::Sqlite> sqlite_;
  uint64_t generation_ = 0;
  std::map<uint64_t, Version> versions_;
  std::vector<uint64_t> statement_start_;    // op-log position where each statement began
  std::vector<uint64_t> generation_before_;  // Strata's generation before each statement
  std::vector<std::string> epoch_statements_;
  size_t epoch_ = 0;
  uint64_t epoch_start_ = 0;  // the first op a crash point may follow
  bool dishonest_armed_ = false;
  bool damage_ = false;  // a bit flip or misdirected write fired in this run (dishonest_damage)
  std::unordered_map<uint64_t, lab::Recovery> memo_;
};

template <typename NextStep>
ModelRun run_steps(size_t count, const ModelOptions& options, NextStep next_step) {
  const auto start = std::chrono::steady_clock::now();
  ModelRun run;
  Checker checker(options);
  if (Status s = checker.start(); !s.is_ok()) {
    Failure f;
    f.kind = Failure::Kind::kError;
    f.summary = "cannot start: " + s.to_string();
    run.failure = std::move(f);
    return run;
  }
  for (size_t i = 0; i < count; ++i) {
    Result<std::optional<ScriptStep>> step = next_step(checker, i);
    if (!step.ok()) {
      Failure f;
      f.kind = Failure::Kind::kError;
      f.step = i;
      f.summary = "cannot render step " + std::to_string(i) + ": " + step.status().to_string();
      checker.failure_ = std::move(f);
      break;
    }
    if (!*step) continue;
    if (!checker.run(**step, i)) break;
  }
  checker.finish(count == 0 ? 0 : count - 1);
  run.stats = std::move(checker.stats_);
  run.script = std::move(checker.script_);
  run.failure = std::move(checker.failure_);
  run.stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

bool same_failure(const Failure& a, const Failure& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Failure::Kind::kCrashState) {
    return a.record.outcome.kind == b.record.outcome.kind;
  }
  return true;
}

}  // namespace

GenOptions gen_options(const ModelOptions& options) {
  GenOptions g;
  g.statements = options.statements;
  g.crash_every = options.policies.empty() ? 0 : options.crash_every;
  g.fault_every = options.faults.empty() ? 0 : options.fault_every;
  return g;
}

std::string_view failure_kind_name(Failure::Kind kind) {
  switch (kind) {
    case Failure::Kind::kDivergence:
      return "divergence";
    case Failure::Kind::kCrashState:
      return "crash-state violation";
    case Failure::Kind::kError:
      return "error";
  }
  return "?";
}

void ModelStats::add(const ModelStats& o) {
  statements += o.statements;
  queries += o.queries;
  failed_alike += o.failed_alike;
  commits += o.commits;
  crashes += o.crashes;
  crash_states += o.crash_states;
  distinct_images += o.distinct_images;
  fault_steps += o.fault_steps;
  fault_epochs += o.fault_epochs;
  fresh_restarts += o.fresh_restarts;
  sqlite_optimizer += o.sqlite_optimizer;
  for (const auto& [k, v] : o.faults_fired) faults_fired[k] += v;
  for (const auto& [phase, row] : o.matrix) {
    for (const auto& [policy, cell] : row) {
      for (const auto& [verdict, count] : cell) matrix[phase][policy][verdict] += count;
    }
  }
  for (const auto& [k, v] : o.verdicts) verdicts[k] += v;
  seconds += o.seconds;
}

size_t ModelRun::statements_in_script() const {
  return static_cast<size_t>(std::count_if(
      script.begin(), script.end(), [](const ScriptStep& s) { return s.kind == StepKind::kSql; }));
}

std::string ScriptStep::to_line() const {
  switch (kind) {
    case StepKind::kSql:
      return sql + ";";
    case StepKind::kCrash:
      return fmt::format("{} crash back={} image={}", kMarker, crash_back, crash_image);
    case StepKind::kFault:
      return fmt::format("{} fault {}", kMarker, fault);
  }
  return "";
}

std::string script_text(const std::vector<ScriptStep>& script, const std::string& header) {
  std::string out;
  size_t begin = 0;
  while (begin < header.size()) {
    size_t end = header.find('\n', begin);
    if (end == std::string::npos) end = header.size();
    out += "-- " + header.substr(begin, end - begin) + "\n";
    begin = end + 1;
  }
  for (const ScriptStep& s : script) out += s.to_line() + "\n";
  return out;
}

Result<std::vector<ScriptStep>> parse_script(std::string_view text) {
  std::vector<ScriptStep> out;
  std::string sql;  // statements since the last marker
  auto flush = [&]() {
    for (const oracle::ScriptStatement& s : oracle::split_statements(sql)) {
      ScriptStep step;
      step.sql = s.sql;
      out.push_back(std::move(step));
    }
    sql.clear();
  };
  size_t begin = 0;
  int line_no = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    ++line_no;
    begin = end + 1;
    if (line.rfind(kMarker, 0) != 0) {
      sql += std::string(line) + "\n";
      if (end == text.size()) break;
      continue;
    }
    flush();
    std::string_view rest = line.substr(kMarker.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    ScriptStep step;
    unsigned back = 0, image = 0;
    std::string body(rest);
    if (std::sscanf(body.c_str(), "crash back=%u image=%u", &back, &image) == 2) {
      step.kind = StepKind::kCrash;
      step.crash_back = back;
      step.crash_image = image;
    } else if (body.rfind("fault ", 0) == 0) {
      step.kind = StepKind::kFault;
      step.fault = body.substr(6);
      STRATA_TRY(faults::parse_fault_spec(step.fault)
                     .status()
                     .with_context("line " + std::to_string(line_no)));
    } else {
      return Status::invalid_argument(fmt::format(
          "line {}: unknown model step \"{}\" (want \"crash back=K image=I\" or \"fault SPEC\")",
          line_no, body));
    }
    out.push_back(std::move(step));
    if (end == text.size()) break;
  }
  flush();
  return out;
}

ModelRun run_input(const Input& input, const ModelOptions& options) {
  return run_steps(input.size(), options,
                   [&](Checker& checker, size_t i) { return checker.script_step(input[i]); });
}

ModelRun run_script(const std::vector<ScriptStep>& script, const ModelOptions& options) {
  return run_steps(script.size(), options,
                   [&](Checker&, size_t i) -> Result<std::optional<ScriptStep>> {
                     return std::optional<ScriptStep>(script[i]);
                   });
}

ModelResult check_seed(const ModelOptions& options) {
  ModelResult result;
  result.seed = options.seed;
  StepShrinkables steps = generate_steps(gen_options(options), options.seed);
  result.input_steps = steps.size();
  Input input;
  for (const rc::Shrinkable<Step>& s : steps) input.push_back(s.value());
  result.run = run_input(input, options);
  if (!result.run.failure || !options.shrink) return result;

  const auto start = std::chrono::steady_clock::now();
  const Failure original = *result.run.failure;
  // Nothing after the failing step matters: cut it off before RapidCheck shrinks the rest.
  if (original.step + 1 < steps.size()) {
    steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(original.step + 1), steps.end());
  }
  Input cut;
  for (const rc::Shrinkable<Step>& s : steps) cut.push_back(s.value());
  ModelRun best = run_input(cut, options);
  if (!best.failure || !same_failure(*best.failure, original)) return result;
  auto elapsed = [&]() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  size_t runs = 1;
  // RapidCheck's shrinking gets three quarters of the budget, the script's the rest.
  auto still_fails = [&](const Input& candidate) {
    if (runs >= options.shrink_runs * 3 / 4 || elapsed() > options.shrink_seconds * 3 / 4) {
      return false;
    }
    ++runs;
    ModelRun run = run_input(candidate, options);
    if (!run.failure || !same_failure(*run.failure, original)) return false;
    best = std::move(run);
    return true;
  };
  rc::shrinkable::findLocalMin(shrinkable_input(std::move(steps)), still_fails);

  // Then the script itself: statements keep their text there, so dropping one leaves the
  // others as they were (in the input, a dropped CREATE TABLE re-renders every later step).
  std::vector<ScriptStep> script = best.script;
  auto script_fails = [&](const std::vector<ScriptStep>& candidate) {
    if (runs >= options.shrink_runs || elapsed() > options.shrink_seconds) return false;
    ++runs;
    ModelRun run = run_script(candidate, options);
    if (!run.failure || !same_failure(*run.failure, original)) return false;
    script = run.script;  // cut after the step that failed
    best = std::move(run);
    return true;
  };
  for (size_t chunk = std::max<size_t>(1, script.size() / 2); chunk >= 1; chunk /= 2) {
    for (size_t begin = 0; begin < script.size();) {
      std::vector<ScriptStep> candidate(script.begin(),
                                        script.begin() + static_cast<std::ptrdiff_t>(begin));
      candidate.insert(
          candidate.end(),
          script.begin() + static_cast<std::ptrdiff_t>(std::min(begin + chunk, script.size())),
          script.end());
      if (candidate.empty() || !script_fails(candidate)) begin += chunk;
    }
    if (chunk == 1) break;
  }
  // The simplest fault schedule: crash after the whole log, go on from the first image.
  for (size_t i = 0; i < script.size(); ++i) {
    if (script[i].kind != StepKind::kCrash) continue;
    for (auto simplify :
         {+[](ScriptStep* s) { s->crash_back = 0; }, +[](ScriptStep* s) { s->crash_image = 0; }}) {
      std::vector<ScriptStep> candidate = script;
      simplify(&candidate[i]);
      if (candidate[i].crash_back != script[i].crash_back ||
          candidate[i].crash_image != script[i].crash_image) {
        script_fails(candidate);
      }
    }
  }
  result.shrunk = std::move(best);
  result.shrink_runs = runs;
  result.shrink_seconds = elapsed();
  return result;
}

}  // namespace strata::model
