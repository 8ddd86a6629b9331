// DiskModel: what a device holds at one point of an op log, and the images a power loss there
// may leave (DESIGN §5).
//
// The model keeps, per file ("inode"), the *durable* bytes and the writes *pending* since the
// last successful sync, and two namespaces: the current one (what the process sees) and the
// durable one (what survives a power loss: creations, renames and removals become durable when
// their directory is synced). It is advanced op by op from the log alone, so a sweep visits
// every crash point of one run without running the engine again.
//
// A crash image is the durable state plus a selection of the pending writes, chosen by a
// policy over a device model:
//
//   process-kill   every pending write survives (the OS cache outlives the process)
//   drop-unsynced  none survives
//   sector-subset  any subset of (write, sector) units; each sector atomically old or new
//   torn-sector    like sector-subset, and one chosen unit is cut inside its sector
//   reorder        whole writes: any prefix in issue order plus any subset after it
//
// The device model says how big a sector is, how a torn sector looks (atomic: never torn;
// prefix: the first bytes are new; suffix: the last bytes are new; arbitrary: each byte old or
// new), and whether overwriting part of a sector can damage the rest of it (powersafe
// overwrite off: the bytes of a torn sector outside the write become garbage).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faults/op_log.h"

namespace strata::faults {

enum class Policy : uint8_t { kProcessKill, kDropUnsynced, kSectorSubset, kTornSector, kReorder };
enum class TearMode : uint8_t { kAtomic, kPrefix, kSuffix, kArbitrary };

std::string_view policy_name(Policy policy);
std::optional<Policy> parse_policy(std::string_view name);
const std::vector<Policy>& all_policies();
// Command-line lists: policy names, `honest`/`all` (the five), `none`.
Result<std::vector<Policy>> parse_policy_list(const std::vector<std::string>& names);
std::string_view tear_mode_name(TearMode mode);
std::optional<TearMode> parse_tear_mode(std::string_view name);

struct DeviceModel {
  uint32_t sector_size = 512;
  TearMode tear = TearMode::kPrefix;
  bool powersafe_overwrite = true;
  std::string to_string() const;  // "sector=512 tear=prefix psow=on"
};

// Path -> bytes of every file on the disk after power returns.
using DiskImage = std::map<std::string, std::vector<uint8_t>>;

// Which pending units one image applies. Units are numbered in issue order; for the sector
// policies a unit is one sector of one pending write, for reorder one whole write.
struct ImageChoice {
  std::vector<bool> applied;  // per unit
  int64_t torn_unit = -1;     // torn-sector: the unit cut inside its sector
  uint64_t tear_seed = 0;     // where and how it is cut
  std::string describe() const;  // "units 0110 torn 2@seed"
};

class DiskModel {
 public:
  // Advances the model by one op of the log (ops that cannot change the disk are ignored).
  void apply(const Op& op);

  // The number of pending units the policy chooses among at this point.
  size_t unit_count(Policy policy, const DeviceModel& device) const;
  // Builds the image for one choice. REQUIRES: choice.applied.size() == unit_count(...).
  DiskImage build(Policy policy, const DeviceModel& device, const ImageChoice& choice) const;
  // Pending writes across all files right now.
  size_t pending_writes() const;
  bool has_pending_namespace_changes() const { return current_ns_ != durable_ns_; }

  // For bit flips: the files of the current namespace, a file's durable size, and whether a
  // pending write covers a byte (then the page cache hides a flip of the durable copy).
  std::vector<uint64_t> current_files() const;
  uint64_t durable_size(uint64_t file_id) const;
  bool pending_covers(uint64_t file_id, uint64_t offset) const;

  // The bytes a process would read now (every write applied), for tests.
  DiskImage current_image() const;

 private:
  struct Pending {
    uint64_t seq = 0;
    bool truncate = false;
    uint64_t offset = 0;  // truncate: the new size
    std::shared_ptr<const std::vector<uint8_t>> data;
  };
  struct Inode {
    std::vector<uint8_t> durable;
    std::vector<Pending> pending;
  };
  struct Unit {
    uint64_t file_id = 0;
    size_t pending_index = 0;
    uint64_t begin = 0, end = 0;  // the file byte range of the write this unit covers
  };
  std::vector<Unit> units(Policy policy, const DeviceModel& device) const;
  const std::map<std::string, uint64_t>& namespace_for(Policy policy) const;

  std::map<uint64_t, Inode> inodes_;
  std::map<std::string, uint64_t> current_ns_;
  std::map<std::string, uint64_t> durable_ns_;
};

// Enumerates the images of one crash point under one policy: every choice when there are at
// most `exhaustive_bound` units (2^k images; k * 2^(k-1) for torn-sector), otherwise the
// structured choices (every prefix in issue order) plus `samples` seeded random choices.
class ImageEnumerator {
 public:
  ImageEnumerator(size_t units, Policy policy, uint32_t exhaustive_bound, uint32_t samples,
                  uint64_t seed);
  size_t count() const { return count_; }
  bool exhaustive() const { return exhaustive_; }
  ImageChoice choice(size_t index) const;

 private:
  size_t units_;
  Policy policy_;
  bool exhaustive_;
  size_t count_;
  uint32_t samples_;
  uint64_t seed_;
};

}  // namespace strata::faults
