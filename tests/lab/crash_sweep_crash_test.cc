// The crash testbed end to end: bounded exhaustive sweeps of the built-in workloads under every
// honest policy, fault sweeps, the broken protocol variants it must catch, determinism, and
// the single-run technique (images rebuilt from the log equal a real crash-at-N run).
#include <gtest/gtest.h>

#include "lab/report.h"
#include "lab/sweep.h"
#include "tests/support/status_testing.h"
#include "vfs/mem_vfs.h"

namespace strata::lab {
namespace {

SweepOptions honest(const std::string& workload) {
  SweepOptions o;
  auto w = load_workload(workload);
  EXPECT_OK(w.status());
  if (w.ok()) o.workload = *w;
  o.policies = faults::all_policies();
  o.sector_sizes = {512, 4096};
  o.exhaustive_bound = 8;
  o.samples = 8;
  return o;
}

std::string violations_of(const SweepReport& r) {
  std::string s = one_line_verdict(r) + "\n";
  for (const ViolationRecord& v : r.violation_records) {
    s += std::string(violation_name(v.outcome.kind)) + " " + v.mode + " " + v.op + " " +
         v.fault + " " + v.policy + ": " + v.outcome.detail + "\n";
  }
  return s;
}

class HonestSweep
    : public ::testing::TestWithParam<std::tuple<std::string, CommitProtocol>> {};

TEST_P(HonestSweep, EveryCrashStateRecoversToAPredictedVersion) {
  SweepOptions o = honest(std::get<0>(GetParam()));
  o.commit_protocol = std::get<1>(GetParam());
  auto report = run_sweep(o);
  ASSERT_OK(report.status());
  EXPECT_EQ(report->violations, 0u) << violations_of(*report);
  EXPECT_GT(report->crash_points, 40u);
  EXPECT_EQ(report->crash_points, report->disk_ops) << "--points all visits every disk op";
  EXPECT_GT(report->states_exhaustive, 1000u);
  // Both outcomes of the meta write are seen: the protocol's k / k+1 window is exercised.
  const auto& meta = report->matrix.at("meta slot").at("sector-subset/512");
  EXPECT_GT(meta.count("recovered-old") ? meta.at("recovered-old") : 0, 0u);
  EXPECT_GT(meta.count("recovered-new") ? meta.at("recovered-new") : 0, 0u);
  for (const auto& [phase, row] : report->matrix) {
    for (const auto& [col, counts] : row) {
      EXPECT_EQ(counts.count("corruption-detected"), 0u)
          << phase << " x " << col << ": an honest disk must always recover";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Workloads, HonestSweep,
    ::testing::Combine(::testing::Values("default", "churn", "big-values", "many-tables"),
                       ::testing::Values(CommitProtocol::kTwoSync, CommitProtocol::kOneSync)),
    [](const auto& param_info) {
      std::string n = std::get<0>(param_info.param) + "_" +
                      std::string(commit_protocol_name(std::get<1>(param_info.param)));
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

TEST(IoErrorSweep, EveryHonestFaultRecoversAndNoAnswerIsWrong) {
  for (const std::string workload : {"default", "big-values"}) {
    SweepOptions o = honest(workload);
    o.policies.clear();
    o.faults = {faults::FaultKind::kEioRead, faults::FaultKind::kEioWrite,
                faults::FaultKind::kEnospc, faults::FaultKind::kShortWrite,
                faults::FaultKind::kFsyncFail};
    o.fault_points = 25;
    auto report = run_sweep(o);
    ASSERT_OK(report.status());
    EXPECT_EQ(report->violations, 0u) << workload << "\n" << violations_of(*report);
    EXPECT_GT(report->fault_runs, 60u);
    for (const auto& [fault, cells] : report->fault_matrix) {
      for (const auto& [col, counts] : cells) {
        EXPECT_EQ(counts.count("corruption-detected"), 0u)
            << fault << " x " << col << ": I/O errors are honest, recovery must succeed";
      }
    }
  }
}

TEST(DishonestSweep, LiesAreDetectedOrRecoveredNeverSilentlyWrong) {
  for (const std::string workload : {"default", "churn", "many-tables", "big-values"}) {
    for (CommitProtocol protocol : {CommitProtocol::kTwoSync, CommitProtocol::kOneSync}) {
    SCOPED_TRACE(std::string(commit_protocol_name(protocol)));
    SweepOptions o = honest(workload);
    o.commit_protocol = protocol;
    o.policies.clear();
    o.faults = {faults::FaultKind::kBitFlip, faults::FaultKind::kMisdirectedWrite,
                faults::FaultKind::kLyingFsync};
    o.fault_points = 25;
    auto report = run_sweep(o);
    ASSERT_OK(report.status());
    EXPECT_EQ(report->violations, 0u) << workload << "\n" << violations_of(*report);
    EXPECT_GT(report->fault_fired.at("bit-flip"), 0u);
    EXPECT_GT(report->fault_fired.at("misdirected-write"), 0u);
    EXPECT_GT(report->fault_fired.at("lying-fsync"), 0u);
    }
  }
}

class BrokenProtocol : public ::testing::TestWithParam<ProtocolBug> {};

TEST_P(BrokenProtocol, TheSweepReportsAViolation) {
  SweepOptions o = honest("default");
  o.protocol_bug = GetParam();
  o.stop_at_first_violation = true;
  auto report = run_sweep(o);
  ASSERT_OK(report.status());
  EXPECT_GT(report->violations, 0u)
      << protocol_bug_name(GetParam()) << " went unnoticed: " << one_line_verdict(*report);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, BrokenProtocol,
    ::testing::Values(ProtocolBug::kMetaBeforeDataSync, ProtocolBug::kNoDataSync,
                      ProtocolBug::kOverwriteActiveSlot, ProtocolBug::kEarlyPageReuse,
                      ProtocolBug::kNoMetaChecksum, ProtocolBug::kUnsyncedPageReachable,
                      ProtocolBug::kNoMetaSync, ProtocolBug::kOneSyncNoVerify),
    [](const auto& param_info) {
      std::string n(protocol_bug_name(param_info.param));
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

TEST(Determinism, SameSeedSameOpLogAndSameVerdicts) {
  SweepOptions o = honest("churn");
  o.points = "40";
  o.exhaustive_bound = 4;
  o.samples = 6;
  o.seed = 77;
  auto a = run_sweep(o);
  auto b = run_sweep(o);
  ASSERT_OK(a.status());
  ASSERT_OK(b.status());
  EXPECT_EQ(a->op_log_hash, b->op_log_hash);
  EXPECT_EQ(a->matrix, b->matrix);
  EXPECT_EQ(a->states, b->states);
  EXPECT_EQ(a->states_sampled, b->states_sampled);
  EXPECT_GT(a->states_sampled, 0u) << "the bound of 4 forces sampling";
}

TEST(Determinism, ParallelJobsGiveTheSameVerdicts) {
  SweepOptions o = honest("default");
  o.exhaustive_bound = 5;
  o.samples = 4;
  auto one = run_sweep(o);
  o.jobs = 2;
  auto two = run_sweep(o);
  ASSERT_OK(one.status());
  ASSERT_OK(two.status());
  EXPECT_EQ(one->matrix, two->matrix);
  EXPECT_EQ(one->crash_points, two->crash_points);
  ASSERT_EQ(one->timeline.size(), two->timeline.size());
  for (size_t i = 0; i < one->timeline.size(); ++i) {
    EXPECT_EQ(one->timeline[i].worst, two->timeline[i].worst) << "op " << one->timeline[i].seq;
  }
}

TEST(SingleRun, ImagesFromTheLogEqualWhatARealCrashLeaves) {
  // The sweep runs the engine once and rebuilds every crash state from the log. Check that
  // against real crashes: crash the engine at op N (every call from N on fails), and compare
  // the device it leaves with the image the fault-free log gives for "after op N-1".
  auto w = load_workload("default");
  ASSERT_OK(w.status());
  vfs::MemVfs clean_mem;
  faults::FaultVfs clean(&clean_mem);
  RunResult base = run_workload(&clean, "db/strata.db", *w, {});
  ASSERT_OK(base.stopped);
  const faults::OpLog& log = clean.log();
  size_t checked = 0;
  // The run's last engine call: a crash after it (at the trailing "ack" mark) changes nothing.
  uint64_t last_call = 0;
  for (uint64_t i = 0; i < log.size(); ++i) {
    if (log[i].kind != faults::OpKind::kMark) last_call = i;
  }
  for (uint64_t n = 1; n <= last_call; n += 7) {
    vfs::MemVfs mem;
    faults::FaultVfs crashing(&mem);
    crashing.crash_at(n);
    RunResult run = run_workload(&crashing, "db/strata.db", *w, {});
    ASSERT_FALSE(run.stopped.is_ok()) << "a crash must surface as an error, at op " << n;
    EXPECT_EQ(run.stopped.code(), StatusCode::kCrashed) << run.stopped.to_string();
    faults::DiskModel replayed;
    for (uint64_t i = 0; i < n; ++i) replayed.apply(log[i]);
    for (faults::Policy p : {faults::Policy::kProcessKill, faults::Policy::kDropUnsynced}) {
      EXPECT_EQ(crashing.model().build(p, {}, {}), replayed.build(p, {}, {}))
          << "op " << n << " under " << faults::policy_name(p);
    }
    ++checked;
  }
  EXPECT_GT(checked, 10u);
}

TEST(Predictor, FollowsTheCommitProtocolTable) {
  Predictor p;
  auto op = [](faults::OpKind kind, std::string label, StatusCode result = StatusCode::kOk) {
    faults::Op o;
    o.kind = kind;
    o.label = std::move(label);
    o.result = result;
    return o;
  };
  EXPECT_EQ(p.expected().durable, 1u) << "a missing database opens as the empty version 1";
  p.apply(op(faults::OpKind::kWrite, "commit 2: pages"));
  p.apply(op(faults::OpKind::kSync, "commit 2: sync pages"));
  EXPECT_EQ(p.expected().describe(), "{1}") << "before the meta write is issued: k";
  p.apply(op(faults::OpKind::kWrite, "commit 2: meta slot 0"));
  EXPECT_EQ(p.expected().describe(), "{1, 2}") << "meta issued, not synced: k or k+1";
  p.apply(op(faults::OpKind::kSync, "commit 2: sync meta", StatusCode::kIOError));
  EXPECT_EQ(p.expected().describe(), "{1, 2}") << "a failed sync proves nothing";
  p.apply(op(faults::OpKind::kSync, "commit 2: sync meta"));
  EXPECT_EQ(p.expected().describe(), "{2}") << "after the meta sync: k+1";
  p.apply(op(faults::OpKind::kWrite, "commit 3: meta slot 1"));
  faults::Op ack;
  ack.kind = faults::OpKind::kMark;
  ack.label = "ack 3";
  p.apply(ack);
  EXPECT_EQ(p.expected().describe(), "{3}") << "commit() returned: durable whatever was written";
}

TEST(Predictor, EveryDishonestFaultMayTakeTheDiskBackToAnOlderVersion) {
  // Found by the model checker: a misdirected meta write (aimed at slot 0, landed on slot 1)
  // leaves an older version behind, as a lying sync does; the fault's log text carries where
  // it was aimed, so the prediction matches on the name.
  auto after = [](const std::string& fault) {
    Predictor p;
    faults::Op o;
    o.kind = faults::OpKind::kWrite;
    o.label = "commit 2: meta slot 0";
    o.fault = fault;
    p.apply(o);
    return p.expected();
  };
  for (std::string fault : {"lying-fsync", "bit-flip", "misdirected-write (aimed @0)"}) {
    EXPECT_TRUE(after(fault).lied) << fault;
    EXPECT_NE(after(fault).describe().find("or older (the disk lied)"), std::string::npos);
  }
  for (std::string fault : {"eio-write", "short-write", "enospc", "fsync-fail"}) {
    EXPECT_FALSE(after(fault).lied) << fault << " is honest: the engine was told";
  }
}

TEST(Classify, NamesEachViolation) {
  std::vector<Version> versions = {{1, 100, "", 0}, {2, 200, "", 1}, {3, 300, "", 2}};
  Expected e;
  e.durable = 2;
  e.attempt = 3;
  Recovery r;
  r.dump_hash = 200;
  EXPECT_EQ(classify(r, e, versions, false).verdict, Verdict::kRecoveredOld);
  r.dump_hash = 100;
  EXPECT_EQ(classify(r, e, versions, false).kind, ViolationKind::kLostCommit);
  r.dump_hash = 300;
  EXPECT_EQ(classify(r, e, versions, false).kind, ViolationKind::kPhantomCommit);
  e.in_flight = 3;
  EXPECT_EQ(classify(r, e, versions, false).verdict, Verdict::kRecoveredNew);
  r.dump_hash = 999;
  EXPECT_EQ(classify(r, e, versions, false).kind, ViolationKind::kMixedVersions);
  r.failed_at = Recovery::Stage::kOpen;
  r.code = StatusCode::kCorruption;
  EXPECT_EQ(classify(r, e, versions, false).kind, ViolationKind::kWrongError);
  EXPECT_EQ(classify(r, e, versions, true).verdict, Verdict::kCorruptionDetected);
  r.failed_at = Recovery::Stage::kCheck;
  EXPECT_EQ(classify(r, e, versions, false).kind, ViolationKind::kCheckerFailure);
}

}  // namespace
}  // namespace strata::lab
