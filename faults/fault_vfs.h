// FaultVfs: a Vfs that wraps another (normally MemVfs), records every call in an op log,
// models the device's volatile cache (a DiskModel advanced by each op) and injects faults.
//
// Like LevelDB's EnvWrapper, it forwards each call to the wrapped Vfs, which plays the part of
// the OS page cache: the engine reads back what it wrote. What would survive a power loss is
// the DiskModel's business, and it is built from the op log alone.
//
// Crash at op N: from op N on, every call fails with kCrashed and changes nothing, so the
// engine unwinds; the disk is the model's state after op N-1.
//
// Faults without a crash (DESIGN §5), each scheduled by op number, by label, or at random
// from a seed:
//   eio-read           a read fails with kIOError
//   eio-write          a write fails with kIOError and writes nothing
//   enospc             a write fails with kNoSpace (at an op, or whenever a file would grow
//                      beyond a size cap)
//   short-write        half of a write lands, then kIOError
//   fsync-fail         the sync fails with kIOError and the pending writes are dropped from
//                      the device (the page cache keeps them, as on Linux); a later sync works
//   bit-flip           one bit of the durable bytes flips before the op
//   misdirected-write  the write lands one write-length away from where it was aimed
//   lying-fsync        the sync reports success and makes nothing durable
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "faults/disk_model.h"
#include "faults/op_log.h"
#include "vfs/vfs.h"

namespace strata::faults {

enum class FaultKind : uint8_t {
  kEioRead,
  kEioWrite,
  kEnospc,
  kShortWrite,
  kFsyncFail,
  kBitFlip,
  kMisdirectedWrite,
  kLyingFsync,
};

std::string_view fault_name(FaultKind kind);
std::optional<FaultKind> parse_fault(std::string_view name);
const std::vector<FaultKind>& all_faults();
// Command-line lists: fault names, `io` (the five honest errors), `dishonest` (the three
// lies), `all`, `none`.
Result<std::vector<FaultKind>> parse_fault_list(const std::vector<std::string>& names);
// Bit flips, misdirected writes and lying syncs: the disk lies, so "corruption detected" is an
// acceptable outcome too.
bool is_dishonest(FaultKind kind);
// The op kind a fault attaches to (kWrite for enospc and the write faults, kSync for the sync
// faults, kRead for eio-read). bit-flip attaches to any op.
std::optional<OpKind> fault_target(FaultKind kind);

// When one fault fires. Exactly one of at_op, at_label, probability is the trigger.
struct FaultSpec {
  FaultKind kind = FaultKind::kEioWrite;
  std::optional<uint64_t> at_op;  // the op with this sequence number (if it is of the kind)
  std::string at_label;           // the first op of the target kind whose label contains this
  double probability = 0;         // each op of the target kind, independently, from seed
  uint64_t seed = 0;              // random trigger; also which bit a bit-flip flips
  uint64_t max_fires = 1;         // 0 = unlimited
  uint64_t space_cap = 0;         // enospc: fail writes that grow a file beyond this (0: off)
  std::string to_string() const;  // "eio-write@op=17", "fsync-fail@label=sync meta"
};
// Parses "KIND", "KIND@op=N", "KIND@label=TEXT", "KIND@p=0.01,seed=S", "enospc@cap=BYTES".
Result<FaultSpec> parse_fault_spec(std::string_view text);

class FaultVfs final : public vfs::Vfs {
 public:
  // REQUIRES: base outlives this FaultVfs, and this FaultVfs outlives every File it opens.
  explicit FaultVfs(vfs::Vfs* base);
  ~FaultVfs() override;

  Result<std::unique_ptr<vfs::File>> open(const std::string& path,
                                          const vfs::OpenOptions& options) override;
  Status remove(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Result<bool> exists(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Status sync_dir(const std::string& dir) override;
  void set_label(std::string_view label) override;

  // Appends a harness note to the log (kind kMark, the text as its label); not a crash point.
  void mark(std::string text);

  // From op `seq` on, every call fails with kCrashed.
  void crash_at(uint64_t seq);
  bool crashed() const;
  void add_fault(const FaultSpec& spec);
  // Whether writes keep their bytes in the log (needed to rebuild images later).
  void set_record_data(bool record) { record_data_ = record; }

  const OpLog& log() const { return log_; }
  const DiskModel& model() const { return model_; }
  uint64_t next_seq() const { return log_.size(); }
  // Faults that fired, by name.
  std::map<std::string, uint64_t> fired() const;

 private:
  class FaultFile;
  struct Armed {
    FaultSpec spec;
    uint64_t fires = 0;
  };

  // Starts an op: kCrashed once crashed; otherwise the fault to inject (if any) for an op of
  // this kind with this label. Called with mu_ held.
  Status begin_op(OpKind kind, std::optional<FaultKind>* fault);
  void record(Op op);  // appends and advances the model; mu_ held
  void maybe_flip(uint64_t seq);  // bit-flip faults due before op seq; mu_ held

  vfs::Vfs* base_;
  mutable std::mutex mu_;
  std::string label_;
  OpLog log_;
  DiskModel model_;
  std::optional<uint64_t> crash_at_;
  bool crashed_ = false;
  bool record_data_ = true;
  std::vector<Armed> faults_;
  std::map<std::string, uint64_t> ids_;  // current path -> file id
  uint64_t next_id_ = 1;
};

}  // namespace strata::faults
