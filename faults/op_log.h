// The op log: every call the engine makes through a FaultVfs, in order.
//
// Each entry carries a sequence number, the file (by path and by the identity of the open
// file, so a rename does not confuse it), the kind, the byte range, the label the engine set
// just before (DESIGN §2: "commit 7: meta slot 1"), the status the engine saw, and the name of
// the fault injected at this op, if any. Writes keep their bytes, so a crash image at any
// point can be rebuilt from the log alone (DiskModel replays it).
//
// Invariant: ops are appended in the order the engine issued them, with seq == index.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vfs/status.h"

namespace strata::faults {

enum class OpKind : uint8_t {
  kOpen,      // open (or create) a file
  kRead,
  kWrite,
  kSync,      // File::sync
  kSize,
  kTruncate,
  kLock,
  kUnlock,
  kRemove,
  kRename,
  kExists,
  kList,
  kSyncDir,
  kBitFlip,   // not an engine call: a fault the FaultVfs applied to durable bytes
  kMark,      // not an engine call: a note from the harness ("ack 7": commit 7 returned ok)
};

std::string_view op_kind_name(OpKind kind);

// True for the ops that can change what a crash leaves on the disk.
bool changes_disk(OpKind kind);

struct Op {
  uint64_t seq = 0;
  OpKind kind = OpKind::kRead;
  std::string path;     // the file; for rename the source
  std::string path_to;  // rename: the destination
  uint64_t file_id = 0; // identity of the file (its "inode"); 0 for namespace-only ops
  uint64_t offset = 0;  // write/read: where the bytes went; truncate: the new size;
                        // bit-flip: the byte; open: 1 if it created the file, 2 if the
                        // file existed before the log began (data: its bytes)
  uint64_t length = 0;  // bytes written or read; bit-flip: the bit (0-7)
  std::string label;
  StatusCode result = StatusCode::kOk;
  std::string fault;    // name of the fault injected here, empty if none
  // kWrite: the bytes that reached the device (after a short or misdirected write, what
  // actually landed). Shared so copies of the log stay cheap.
  std::shared_ptr<const std::vector<uint8_t>> data;

  bool ok() const { return result == StatusCode::kOk; }
  // One line: "17 write demo.strata @8192+4096 [commit 3: pages] ok".
  std::string to_string() const;
};

using OpLog = std::vector<Op>;

// The label's commit generation and step ("commit 7: sync meta" -> 7, "sync meta");
// generation 0 and the whole label as step when the label is not a commit label.
struct LabelParts {
  uint64_t generation = 0;
  std::string step;
  bool is_commit = false;
  bool is_create = false;
};
LabelParts parse_label(std::string_view label);

}  // namespace strata::faults
