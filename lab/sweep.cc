#include "lab/sweep.h"

#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <unordered_map>

#include "vfs/mem_vfs.h"

namespace strata::lab {

namespace {

constexpr const char* kDbPath = "db/strata.db";

struct Column {
  faults::Policy policy;
  faults::DeviceModel device;
  std::string name;
};

bool sector_dependent(faults::Policy p) {
  return p == faults::Policy::kSectorSubset || p == faults::Policy::kTornSector;
}

std::vector<Column> columns_for(const SweepOptions& o) {
  std::vector<Column> cols;
  for (faults::Policy p : o.policies) {
    std::vector<uint32_t> sizes = sector_dependent(p) ? o.sector_sizes : std::vector<uint32_t>{
                                                                             o.sector_sizes.empty() ? 512u : o.sector_sizes[0]};
    for (uint32_t sector : sizes) {
      Column c;
      c.policy = p;
      c.device.sector_size = sector;
      c.device.tear = o.tear;
      c.device.powersafe_overwrite = o.powersafe_overwrite;
      c.name = std::string(faults::policy_name(p));
      if (sector_dependent(p)) c.name += "/" + std::to_string(sector);
      cols.push_back(std::move(c));
    }
  }
  return cols;
}

int severity(std::string_view verdict) {
  if (verdict == "VIOLATION") return 4;
  if (verdict == "corruption-detected") return 3;
  if (verdict == "recovered-new") return 2;
  if (verdict == "recovered-old") return 1;
  return 0;
}

RunOptions run_options(const SweepOptions& o) {
  RunOptions r;
  r.page_size = o.page_size;
  r.protocol_bug = o.protocol_bug;
  r.commit_protocol = o.commit_protocol;
  r.statement_limit = o.statement_limit;
  return r;
}

StoreOptions store_options(const SweepOptions& o) {
  StoreOptions s;
  s.page_size = o.page_size;
  s.protocol_bug = o.protocol_bug;
  s.commit_protocol = o.commit_protocol;
  return s;
}

// The crash points the options select, in log order.
std::vector<uint64_t> select_points(const faults::OpLog& log, const SweepOptions& o) {
  std::vector<uint64_t> points;
  const bool by_phase = o.points != "all" && !o.points.empty() &&
                        !std::all_of(o.points.begin(), o.points.end(), ::isdigit);
  for (const faults::Op& op : log) {
    if (!faults::changes_disk(op.kind)) continue;
    if (by_phase && phase_of(op) != o.points) continue;
    points.push_back(op.seq);
  }
  if (!o.points.empty() && std::all_of(o.points.begin(), o.points.end(), ::isdigit)) {
    size_t n = std::stoull(o.points);
    if (n < points.size()) {
      std::mt19937_64 rng(o.seed);
      std::shuffle(points.begin(), points.end(), rng);
      points.resize(n);
      std::sort(points.begin(), points.end());
    }
  }
  if (o.shard_count > 1) {
    std::vector<uint64_t> mine;
    for (size_t i = 0; i < points.size(); ++i) {
      if (i % o.shard_count == o.shard_index) mine.push_back(points[i]);
    }
    points = std::move(mine);
  }
  return points;
}

class Memo {
 public:
  explicit Memo(StoreOptions options) : options_(options) {}
  const Recovery& get(const faults::DiskImage& image, uint64_t* distinct) {
    uint64_t h = hash_image(image);
    auto it = memo_.find(h);
    if (it != memo_.end()) return it->second;
    ++*distinct;
    return memo_.emplace(h, recover(image, kDbPath, options_)).first->second;
  }

 private:
  StoreOptions options_;
  std::unordered_map<uint64_t, Recovery> memo_;
};

// The versions a run with a fault may legally leave: those it committed (a run that could not
// even open the database committed only the empty one), and the commit the fault
// interrupted, whose contents are the fault-free run's next version.
std::vector<Version> versions_of_faulty_run(const RunResult& run, const RunResult& base) {
  std::vector<Version> out = run.versions;
  if (out.empty() && !base.versions.empty()) out.push_back(base.versions.front());
  if (out.size() < base.versions.size()) {
    Version next = base.versions[out.size()];
    next.generation = out.back().generation + 1;
    out.push_back(std::move(next));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& phase_order() {
  static const std::vector<std::string> order = {"create",    "pages",    "sync pages", "meta slot",
                                                 "sync meta", "sync all", "other"};
  return order;
}

std::string phase_of(const faults::Op& op) {
  faults::LabelParts label = faults::parse_label(op.label);
  if (label.is_create) return "create";
  if (label.is_commit) {
    if (label.step.rfind("meta slot", 0) == 0) return "meta slot";
    if (label.step == "pages" || label.step == "sync pages" || label.step == "sync meta" ||
        label.step == "sync all") {
      return label.step;
    }
  }
  return "other";
}

uint64_t hash_op_log(const faults::OpLog& log) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const faults::Op& op : log) {
    uint64_t fields[4] = {op.seq, static_cast<uint64_t>(op.kind), op.offset, op.length};
    XXH3_64bits_update(state, fields, sizeof fields);
    XXH3_64bits_update(state, op.label.data(), op.label.size());
    if (op.data) XXH3_64bits_update(state, op.data->data(), op.data->size());
  }
  uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

Result<SweepReport> run_sweep(const SweepOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.shard_count == 0 || o.shard_index >= o.shard_count) {
    return Status::invalid_argument("bad shard " + std::to_string(o.shard_index) + "/" +
                                    std::to_string(o.shard_count));
  }
  SweepReport rep;
  rep.workload = o.workload.name;
  rep.statements = std::min(o.statement_limit, o.workload.statements.size());

  vfs::MemVfs mem;
  faults::FaultVfs fvs(&mem);
  RunResult base = run_workload(&fvs, kDbPath, o.workload, run_options(o));
  if (!base.stopped.is_ok()) {
    return base.stopped.with_context("the workload fails without any fault");
  }
  const faults::OpLog& log = fvs.log();
  rep.versions = base.versions.size();
  rep.ops = log.size();
  rep.op_log_hash = hash_op_log(log);
  for (const faults::Op& op : log) rep.disk_ops += faults::changes_disk(op.kind);

  const std::vector<Column> columns = columns_for(o);
  const std::vector<uint64_t> points = select_points(log, o);
  Memo memo(store_options(o));
  bool stop = false;

  auto record_violation = [&](ViolationRecord r) {
    ++rep.violations;
    if (rep.violation_records.size() < o.max_violation_records) {
      rep.violation_records.push_back(std::move(r));
    }
    if (o.stop_at_first_violation) stop = true;
  };

  // ---- crash points: each job walks the whole log with its own model and takes every
  // jobs-th point; the partial reports are summed.
  for (const faults::Op& op : log) {
    if (faults::changes_disk(op.kind)) {
      rep.timeline.push_back(TimelineOp{op.seq, std::string(faults::op_kind_name(op.kind)),
                                        op.label, phase_of(op), ""});
    }
  }
  if (!columns.empty() && !points.empty()) {
    const unsigned jobs = std::max(1u, std::min<unsigned>(o.jobs, points.size()));
    std::vector<SweepReport> parts(jobs);
    std::vector<std::map<uint64_t, std::string>> worst(jobs);
    std::atomic<bool> halt{false};
    std::atomic<size_t> points_done{0};
    std::atomic<uint64_t> states_done{0};
    auto work = [&](unsigned job) {
      SweepReport& part = parts[job];
      Memo local_memo(store_options(o));
      faults::DiskModel model;
      Predictor predictor;
      size_t next = job;
      for (size_t i = 0; i < log.size() && next < points.size() && !halt; ++i) {
        const faults::Op& op = log[i];
        model.apply(op);
        predictor.apply(op);
        if (op.seq != points[next]) continue;
        next += jobs;
        ++part.crash_points;
        const Expected expected = predictor.expected();
        const std::string phase = phase_of(op);
        std::string& worst_here = worst[job][op.seq];
        const uint64_t states_before = part.states;
        for (size_t c = 0; c < columns.size() && !halt; ++c) {
          const Column& col = columns[c];
          size_t units = model.unit_count(col.policy, col.device);
          faults::ImageEnumerator images(units, col.policy, o.exhaustive_bound, o.samples,
                                         o.seed * 1000003 + op.seq * 31 + c);
          auto& cell = part.matrix[phase][col.name];
          for (size_t k = 0; k < images.count() && !halt; ++k) {
            faults::ImageChoice choice = images.choice(k);
            faults::DiskImage image = model.build(col.policy, col.device, choice);
            const Recovery& recovery = local_memo.get(image, &part.distinct_images);
            Outcome outcome = classify(recovery, expected, base.versions, false);
            std::string verdict(verdict_name(outcome.verdict));
            ++cell[verdict];
            ++part.states;
            ++(images.exhaustive() ? part.states_exhaustive : part.states_sampled);
            if (severity(verdict) > severity(worst_here)) worst_here = verdict;
            if (outcome.verdict == Verdict::kViolation) {
              ++part.violations;
              if (part.violation_records.size() < o.max_violation_records) {
                ViolationRecord r;
                r.mode = "crash";
                r.crash_after_op = op.seq;
                r.op = op.to_string();
                r.phase = phase;
                r.policy = std::string(faults::policy_name(col.policy));
                r.device = col.device;
                r.choice = choice;
                r.expected = expected;
                r.outcome = outcome;
                r.statements = rep.statements;
                part.violation_records.push_back(std::move(r));
              }
              if (o.stop_at_first_violation) halt = true;
            }
          }
        }
        size_t done = ++points_done;
        uint64_t states = states_done += part.states - states_before;
        if (job == 0 && o.on_progress && done % 16 == 0) o.on_progress(done, points.size(), states);
      }
    };
    if (jobs == 1) {
      work(0);
    } else {
      std::vector<std::thread> threads;
      for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(work, j);
      for (std::thread& t : threads) t.join();
    }
    std::vector<ViolationRecord> records;
    std::map<uint64_t, std::string> worst_all;
    for (unsigned j = 0; j < jobs; ++j) {
      const SweepReport& part = parts[j];
      rep.crash_points += part.crash_points;
      rep.states += part.states;
      rep.states_exhaustive += part.states_exhaustive;
      rep.states_sampled += part.states_sampled;
      rep.distinct_images += part.distinct_images;
      rep.violations += part.violations;
      for (const auto& [phase, row] : part.matrix) {
        for (const auto& [col, counts] : row) {
          for (const auto& [verdict, n] : counts) rep.matrix[phase][col][verdict] += n;
        }
      }
      records.insert(records.end(), part.violation_records.begin(),
                     part.violation_records.end());
      for (const auto& [seq, v] : worst[j]) worst_all[seq] = v;
    }
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      return a.crash_after_op < b.crash_after_op;
    });
    if (records.size() > o.max_violation_records) records.resize(o.max_violation_records);
    rep.violation_records = std::move(records);
    for (TimelineOp& row : rep.timeline) {
      auto it = worst_all.find(row.seq);
      if (it != worst_all.end()) row.worst = it->second;
    }
    if (o.on_progress) o.on_progress(points.size(), points.size(), rep.states);
    if (halt) stop = true;
  }

  // ---- faults without a crash
  for (faults::FaultKind kind : o.faults) {
    if (stop) break;
    std::vector<uint64_t> eligible;
    std::optional<faults::OpKind> target = faults::fault_target(kind);
    for (const faults::Op& op : log) {
      if (op.kind == faults::OpKind::kMark) continue;
      if (target ? op.kind == *target : faults::changes_disk(op.kind)) eligible.push_back(op.seq);
    }
    if (o.fault_points > 0 && eligible.size() > o.fault_points) {
      std::mt19937_64 rng(o.seed + static_cast<uint64_t>(kind));
      std::shuffle(eligible.begin(), eligible.end(), rng);
      eligible.resize(o.fault_points);
      std::sort(eligible.begin(), eligible.end());
    }
    const std::string name(faults::fault_name(kind));
    for (uint64_t seq : eligible) {
      if (stop) break;
      faults::FaultSpec spec;
      spec.kind = kind;
      spec.at_op = seq;
      spec.seed = o.seed + seq;
      vfs::MemVfs fmem;
      faults::FaultVfs ffs(&fmem);
      ffs.add_fault(spec);
      RunResult run = run_workload(&ffs, kDbPath, o.workload, run_options(o));
      ++rep.fault_runs;
      for (const auto& [f, n] : ffs.fired()) rep.fault_fired[f] += n;
      ViolationRecord base_record;
      base_record.mode = "fault";
      base_record.fault = spec.to_string();
      base_record.crash_after_op = ffs.log().empty() ? 0 : ffs.log().back().seq;
      base_record.statements = rep.statements;
      // Every answer the faulty run gave must be the fault-free answer.
      for (size_t k = 0; k < run.outcomes.size() && k < base.outcomes.size(); ++k) {
        const StatementOutcome& got = run.outcomes[k];
        if (is_fatal(got.code)) break;
        const StatementOutcome& want = base.outcomes[k];
        if (got.code != want.code || got.rows_hash != want.rows_hash) {
          ViolationRecord r = base_record;
          r.policy = "none";
          r.outcome.verdict = Verdict::kViolation;
          r.outcome.kind = ViolationKind::kWrongAnswer;
          r.outcome.detail = "statement " + std::to_string(k + 1) + " (" +
                             o.workload.statements[k].substr(0, 60) +
                             ") answered differently than without the fault: " +
                             (got.error.empty() ? "rows differ" : got.error);
          ++rep.fault_matrix[name]["answers"]["VIOLATION"];
          record_violation(std::move(r));
          break;
        }
      }
      // Every version the faulty run committed must hold what the fault-free run's version
      // at the same place held (generation numbers may differ if the engine fell back to
      // an older meta slot; contents may not).
      for (size_t k = 0; k < run.versions.size() && k < base.versions.size(); ++k) {
        if (run.versions[k].hash != base.versions[k].hash) {
          ViolationRecord r = base_record;
          r.policy = "none";
          r.outcome.verdict = Verdict::kViolation;
          r.outcome.kind = ViolationKind::kWrongAnswer;
          r.outcome.detail = "committed version " + std::to_string(k + 1) +
                             " differs from the fault-free run's";
          ++rep.fault_matrix[name]["answers"]["VIOLATION"];
          record_violation(std::move(r));
          break;
        }
      }
      const std::vector<Version> own_versions = versions_of_faulty_run(run, base);
      Predictor predictor;
      for (const faults::Op& op : ffs.log()) predictor.apply(op);
      for (faults::Policy policy : {faults::Policy::kProcessKill, faults::Policy::kDropUnsynced}) {
        faults::DiskImage image = ffs.model().build(policy, faults::DeviceModel{}, {});
        const Recovery& recovery = memo.get(image, &rep.distinct_images);
        Outcome outcome = classify(recovery, predictor.expected(), own_versions,
                                   faults::is_dishonest(kind));
        ++rep.fault_matrix[name][std::string(faults::policy_name(policy))]
                          [std::string(verdict_name(outcome.verdict))];
        if (outcome.verdict == Verdict::kViolation) {
          ViolationRecord r = base_record;
          r.policy = std::string(faults::policy_name(policy));
          r.expected = predictor.expected();
          r.outcome = outcome;
          record_violation(std::move(r));
        }
      }
    }
  }

  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

Result<Outcome> replay_state(const Workload& workload, const SweepOptions& o,
                             const ViolationRecord& record) {
  vfs::MemVfs mem;
  faults::FaultVfs fvs(&mem);
  SweepOptions opts = o;
  opts.statement_limit = record.statements;
  RunResult base;
  {
    vfs::MemVfs clean_mem;
    faults::FaultVfs clean(&clean_mem);
    base = run_workload(&clean, kDbPath, workload, run_options(opts));
    if (!base.stopped.is_ok()) return base.stopped.with_context("the workload fails without faults");
  }
  faults::Policy policy = faults::parse_policy(record.policy).value_or(faults::Policy::kProcessKill);
  if (record.mode == "fault") {
    STRATA_ASSIGN(faults::FaultSpec spec, faults::parse_fault_spec(record.fault));
    fvs.add_fault(spec);
    RunResult run = run_workload(&fvs, kDbPath, workload, run_options(opts));
    for (size_t k = 0; k < run.outcomes.size() && k < base.outcomes.size(); ++k) {
      if (is_fatal(run.outcomes[k].code)) break;
      if (run.outcomes[k].code != base.outcomes[k].code ||
          run.outcomes[k].rows_hash != base.outcomes[k].rows_hash) {
        Outcome out;
        out.kind = ViolationKind::kWrongAnswer;
        out.detail = "statement " + std::to_string(k + 1) + " answered differently";
        return out;
      }
    }
    Predictor predictor;
    for (const faults::Op& op : fvs.log()) predictor.apply(op);
    faults::DiskImage image = fvs.model().build(policy, faults::DeviceModel{}, {});
    return classify(recover(image, kDbPath, store_options(opts)), predictor.expected(),
                    versions_of_faulty_run(run, base), faults::is_dishonest(spec.kind));
  }
  RunResult run = run_workload(&fvs, kDbPath, workload, run_options(opts));
  (void)run;
  faults::DiskModel model;
  Predictor predictor;
  const faults::OpLog& log = fvs.log();
  if (record.crash_after_op >= log.size()) {
    return Status::invalid_argument("the replay names op " + std::to_string(record.crash_after_op) +
                                    " but the workload makes only " + std::to_string(log.size()));
  }
  for (size_t i = 0; i <= record.crash_after_op; ++i) {
    model.apply(log[i]);
    predictor.apply(log[i]);
  }
  size_t units = model.unit_count(policy, record.device);
  if (record.choice.applied.size() != units) {
    return Status::invalid_argument("the replay's image choice has " +
                                    std::to_string(record.choice.applied.size()) +
                                    " units but the state has " + std::to_string(units) +
                                    " (the op log differs: engine changed?)");
  }
  faults::DiskImage image = model.build(policy, record.device, record.choice);
  return classify(recover(image, kDbPath, store_options(opts)), predictor.expected(),
                  base.versions, false);
}

}  // namespace strata::lab
