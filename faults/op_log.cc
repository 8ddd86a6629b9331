#include "faults/op_log.h"

#include <charconv>

namespace strata::faults {

std::string_view op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen: return "open";
    case OpKind::kRead: return "read";
    case OpKind::kWrite: return "write";
    case OpKind::kSync: return "sync";
    case OpKind::kSize: return "size";
    case OpKind::kTruncate: return "truncate";
    case OpKind::kLock: return "lock";
    case OpKind::kUnlock: return "unlock";
    case OpKind::kRemove: return "remove";
    case OpKind::kRename: return "rename";
    case OpKind::kExists: return "exists";
    case OpKind::kList: return "list";
    case OpKind::kSyncDir: return "sync-dir";
    case OpKind::kBitFlip: return "bit-flip";
    case OpKind::kMark: return "mark";
  }
  return "?";
}

bool changes_disk(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen:  // may create a file
    case OpKind::kWrite:
    case OpKind::kSync:
    case OpKind::kTruncate:
    case OpKind::kRemove:
    case OpKind::kRename:
    case OpKind::kSyncDir:
    case OpKind::kBitFlip:
      return true;
    default:
      return false;
  }
}

std::string Op::to_string() const {
  if (kind == OpKind::kMark) return std::to_string(seq) + " mark " + label;
  std::string s = std::to_string(seq) + " " + std::string(op_kind_name(kind)) + " " + path;
  if (kind == OpKind::kRename) s += " -> " + path_to;
  if (kind == OpKind::kWrite || kind == OpKind::kRead) {
    s += " @" + std::to_string(offset) + "+" + std::to_string(length);
  } else if (kind == OpKind::kTruncate) {
    s += " to " + std::to_string(offset);
  } else if (kind == OpKind::kBitFlip) {
    s += " byte " + std::to_string(offset) + " bit " + std::to_string(length);
  }
  if (!label.empty()) s += " [" + label + "]";
  s += ok() ? " ok" : " " + std::string(status_code_name(result));
  if (!fault.empty()) s += " (fault: " + fault + ")";
  return s;
}

LabelParts parse_label(std::string_view label) {
  LabelParts parts;
  constexpr std::string_view kCommit = "commit ";
  if (label.substr(0, kCommit.size()) == kCommit) {
    std::string_view rest = label.substr(kCommit.size());
    size_t colon = rest.find(": ");
    if (colon != std::string_view::npos) {
      uint64_t g = 0;
      auto [end, ec] = std::from_chars(rest.data(), rest.data() + colon, g);
      if (ec == std::errc() && end == rest.data() + colon) {
        parts.generation = g;
        parts.step = std::string(rest.substr(colon + 2));
        parts.is_commit = true;
        return parts;
      }
    }
  }
  if (label.substr(0, 7) == "create:") parts.is_create = true;
  parts.step = std::string(label);
  return parts;
}

}  // namespace strata::faults
