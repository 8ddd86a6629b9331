// Prediction and verdicts (DESIGN §3 and §5).
//
// The Predictor reads the op log alone — the engine's commit labels and the harness's acks —
// never the engine's state, and says which committed versions a crash image may legally hold:
//
//   crash before commit k+1's meta write is issued        -> { k }
//   after it is issued, before its "sync meta" returns   -> { k, k+1 }
//   after "sync meta" returns, or once commit() returned  -> { k+1 }
// (The one-sync protocol's single "sync all" plays the part of "sync meta".)
//
// recover() opens a fresh engine on an image, runs the consistency checker and dumps every
// table; classify() compares the result with the prediction:
//   recovered-old / recovered-new   the image holds the older / newer predicted version
//   corruption-detected             the engine refused the image with a clear error
//                                   (acceptable only when the disk lied)
//   VIOLATION                       lost commit, phantom commit, mixed versions, checker
//                                   failure, wrong error, wrong answer, crash or hang
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/store.h"
#include "faults/disk_model.h"
#include "faults/op_log.h"
#include "lab/run.h"

namespace strata::lab {

struct Expected {
  // The newest version the protocol guarantees. Before anything is durable that is version 1:
  // a new file's meta slots hold generations 0 and 1, and a missing file opens as that empty
  // database.
  uint64_t durable = 1;
  std::optional<uint64_t> in_flight;   // the version whose meta write may or may not be there
  bool lied = false;  // a lying sync or a bit flip happened: older versions are legal too
  // The commit the crash interrupted or had just finished (the last commit label seen):
  // recovering its version is "recovered-new", an earlier one "recovered-old".
  uint64_t attempt = 0;
  std::string describe() const;        // "{7}" or "{7, 8}"
};

class Predictor {
 public:
  void apply(const faults::Op& op);
  Expected expected() const { return expected_; }

 private:
  Expected expected_;
};

enum class Verdict : uint8_t { kRecoveredOld, kRecoveredNew, kCorruptionDetected, kViolation };
enum class ViolationKind : uint8_t {
  kNone,
  kLostCommit,
  kPhantomCommit,
  kMixedVersions,
  kCheckerFailure,
  kWrongError,
  kWrongAnswer,
  kCrash,
  kHang,
};
std::string_view verdict_name(Verdict verdict);
std::string_view violation_name(ViolationKind kind);

// What a fresh engine made of an image (independent of any prediction, so it can be memoized
// by the image's bytes).
struct Recovery {
  enum class Stage : uint8_t { kOk, kOpen, kCheck, kDump } failed_at = Stage::kOk;
  StatusCode code = StatusCode::kOk;
  std::string message;  // the error, or the checker's first issues
  uint64_t dump_hash = 0;
  std::string open_note;  // what open reported beyond the newest meta (a one-sync fallback)
};

Recovery recover(const faults::DiskImage& image, const std::string& path,
                 const StoreOptions& store_options);
uint64_t hash_image(const faults::DiskImage& image);

struct Outcome {
  Verdict verdict = Verdict::kViolation;
  ViolationKind kind = ViolationKind::kNone;
  std::optional<uint64_t> recovered;  // the generation found, when it matched a version
  std::string detail;
};

// `dishonest`: the disk may have lied (bit flips, misdirected writes, lying fsync), so a clear
// corruption error is acceptable.
Outcome classify(const Recovery& recovery, const Expected& expected,
                 const std::vector<Version>& versions, bool dishonest);

}  // namespace strata::lab
