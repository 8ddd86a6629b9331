#include "lab/verdict.h"

#include <xxhash.h>

#include <charconv>

#include "engine/check.h"
#include "engine/query/integrity.h"
#include "vfs/mem_vfs.h"

namespace strata::lab {

std::string Expected::describe() const {
  std::string s = "{" + std::to_string(durable);
  if (in_flight) s += ", " + std::to_string(*in_flight);
  s += "}";
  if (lied) s += " or older (the disk lied)";
  return s;
}

void Predictor::apply(const faults::Op& op) {
  if (op.kind == faults::OpKind::kMark) {
    // "ack G": commit() returned success for G; the application holds it as durable.
    constexpr std::string_view kAck = "ack ";
    if (op.label.rfind(kAck, 0) == 0) {
      uint64_t g = 0;
      std::string_view digits = std::string_view(op.label).substr(kAck.size());
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), g);
      if (ec == std::errc() && g >= expected_.durable) {
        expected_.durable = g;
        if (expected_.in_flight && *expected_.in_flight <= g) expected_.in_flight.reset();
      }
    }
    return;
  }
  // A lying sync, a flipped bit (say, in the newest meta slot) or a misdirected write (say,
  // the newest meta written over some other page, its slot left as it was) may legally take
  // the disk back to an older version; the engine cannot always tell that from a torn write.
  // Contents that match no version stay a violation: a lie may lose a commit, never mix two.
  for (std::string_view lie : {"lying-fsync", "bit-flip", "misdirected-write"}) {
    if (op.fault.rfind(lie, 0) == 0) expected_.lied = true;  // "misdirected-write (aimed @0)"
  }
  faults::LabelParts label = faults::parse_label(op.label);
  if (!label.is_commit) return;
  expected_.attempt = label.generation;
  if (op.kind == faults::OpKind::kWrite && label.step.rfind("meta slot", 0) == 0) {
    // Issued: from now on the meta may be on the disk, whole or torn, whatever the result.
    if (label.generation > expected_.durable) expected_.in_flight = label.generation;
  } else if (op.kind == faults::OpKind::kSync &&
             (label.step == "sync meta" || label.step == "sync all") && op.ok()) {
    if (label.generation > expected_.durable) expected_.durable = label.generation;
    if (expected_.in_flight && *expected_.in_flight <= expected_.durable) {
      expected_.in_flight.reset();
    }
  }
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRecoveredOld: return "recovered-old";
    case Verdict::kRecoveredNew: return "recovered-new";
    case Verdict::kCorruptionDetected: return "corruption-detected";
    case Verdict::kViolation: return "VIOLATION";
  }
  return "?";
}

std::string_view violation_name(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::kNone: return "none";
    case ViolationKind::kLostCommit: return "lost-commit";
    case ViolationKind::kPhantomCommit: return "phantom-commit";
    case ViolationKind::kMixedVersions: return "mixed-versions";
    case ViolationKind::kCheckerFailure: return "checker-failure";
    case ViolationKind::kWrongError: return "wrong-error";
    case ViolationKind::kWrongAnswer: return "wrong-answer";
    case ViolationKind::kCrash: return "crash";
    case ViolationKind::kHang: return "hang";
  }
  return "?";
}

uint64_t hash_image(const faults::DiskImage& image) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const auto& [path, bytes] : image) {
    XXH3_64bits_update(state, path.data(), path.size() + 1);  // with the terminating NUL
    uint64_t size = bytes.size();
    XXH3_64bits_update(state, &size, sizeof size);
    XXH3_64bits_update(state, bytes.data(), bytes.size());
  }
  uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

Recovery recover(const faults::DiskImage& image, const std::string& path,
                 const StoreOptions& store_options) {
  Recovery r;
  vfs::MemVfs mem;
  for (const auto& [p, bytes] : image) mem.write_file(p, bytes);
  query::DatabaseOptions options;
  options.store = store_options;
  auto db = query::Database::open(&mem, path, options);
  if (!db.ok()) {
    r.failed_at = Recovery::Stage::kOpen;
    r.code = db.status().code();
    r.message = db.status().to_string();
    return r;
  }
  r.open_note = (*db)->store()->open_note();
  auto report = query::check_database(db->get());
  if (!report.ok()) {
    r.failed_at = Recovery::Stage::kCheck;
    r.code = report.status().code();
    r.message = report.status().to_string();
    return r;
  }
  if (!report->ok()) {
    r.failed_at = Recovery::Stage::kCheck;
    r.code = StatusCode::kCorruption;
    for (size_t i = 0; i < report->issues.size() && i < 3; ++i) {
      if (i) r.message += "; ";
      r.message += report->issues[i].to_string();
    }
    return r;
  }
  auto dump = dump_database(db->get());
  if (!dump.ok()) {
    r.failed_at = Recovery::Stage::kDump;
    r.code = dump.status().code();
    r.message = dump.status().to_string();
    return r;
  }
  r.dump_hash = hash_bytes(*dump);
  return r;
}

Outcome classify(const Recovery& recovery, const Expected& expected,
                 const std::vector<Version>& versions, bool dishonest) {
  Outcome o;
  if (recovery.failed_at != Recovery::Stage::kOk) {
    const bool clear = recovery.code == StatusCode::kCorruption;
    if (dishonest && clear) {
      o.verdict = Verdict::kCorruptionDetected;
    } else {
      o.verdict = Verdict::kViolation;
      o.kind = recovery.failed_at == Recovery::Stage::kCheck ? ViolationKind::kCheckerFailure
                                                             : ViolationKind::kWrongError;
    }
    o.detail = recovery.message;
    return o;
  }
  // Which versions have these contents (several commits may leave equal contents).
  std::vector<uint64_t> matches;
  for (const Version& v : versions) {
    if (v.hash == recovery.dump_hash) matches.push_back(v.generation);
  }
  for (uint64_t g : matches) {
    if (g == expected.durable || (expected.in_flight && g == *expected.in_flight)) {
      if (!o.recovered || g == expected.attempt) {
        o.verdict = g == expected.attempt ? Verdict::kRecoveredNew : Verdict::kRecoveredOld;
        o.recovered = g;
      }
    }
  }
  if (o.recovered) return o;
  if (expected.lied) {
    for (uint64_t g : matches) {
      if (g < expected.durable) {
        o.verdict = Verdict::kRecoveredOld;
        o.recovered = g;
        o.detail = "an older version: the disk lied (lying sync, flipped bit or misdirected write)";
        return o;
      }
    }
  }
  if (dishonest && !recovery.open_note.empty()) {
    // The engine found the newest commit damaged and said so, then opened the one before:
    // detected, not silent (one-sync cannot tell a crash before its sync from a lie after).
    for (uint64_t g : matches) {
      if (g + 1 == expected.durable) {
        o.verdict = Verdict::kCorruptionDetected;
        o.recovered = g;
        o.detail = recovery.open_note;
        return o;
      }
    }
  }
  o.verdict = Verdict::kViolation;
  if (matches.empty()) {
    o.kind = ViolationKind::kMixedVersions;
    o.detail = "the recovered contents match no committed version; expected " +
               expected.describe();
  } else {
    uint64_t newest_allowed = expected.in_flight.value_or(expected.durable);
    bool newer = false;
    for (uint64_t g : matches) newer = newer || g > newest_allowed;
    o.kind = newer ? ViolationKind::kPhantomCommit : ViolationKind::kLostCommit;
    o.recovered = matches.back();
    o.detail = "recovered version " + std::to_string(matches.back()) + ", expected " +
               expected.describe();
  }
  return o;
}

}  // namespace strata::lab
