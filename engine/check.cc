#include "engine/check.h"

#include <map>
#include <optional>

namespace strata {

std::string printable_key(std::string_view key) {
  static const char* kHex = "0123456789abcdef";
  bool printable = true;
  for (char c : key) printable = printable && c >= 0x20 && c < 0x7f;
  if (printable) return "\"" + std::string(key) + "\"";
  std::string out = "x'";
  for (unsigned char c : key) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out + "'";
}

std::string CheckIssue::to_string() const {
  std::string out;
  if (page_no != 0) out += "page " + std::to_string(page_no) + ": ";
  out += message;
  if (!key.empty()) out += " (key " + key + ")";
  return out;
}

std::string CheckReport::to_string() const {
  std::string out;
  for (const auto& issue : issues) out += "violation: " + issue.to_string() + "\n";
  for (const auto& note : notes) out += "note: " + note + "\n";
  out += ok() ? "ok" : std::to_string(issues.size()) + " violation(s)";
  out += ": generation " + std::to_string(generation) + ", " + std::to_string(page_count) +
         " pages, depth " + std::to_string(depth) + ", " + std::to_string(keys) + " keys\n";
  return out;
}

namespace {

enum class Owner { kTree, kOverflow, kFreelist, kFree };
const char* owner_name(Owner o) {
  switch (o) {
    case Owner::kTree: return "tree page";
    case Owner::kOverflow: return "overflow page";
    case Owner::kFreelist: return "freelist page";
    case Owner::kFree: return "free page";
  }
  return "?";
}

class Checker {
 public:
  Checker(Store* store, ReadTx* tx, CheckReport* report)
      : store_(store), tx_(tx), report_(report), meta_(store->meta()) {}

  void run() {
    report_->generation = meta_.generation;
    report_->page_count = meta_.page_count;
    check_meta_slots();
    if (meta_.root != 0) {
      walk(meta_.root, 1, std::nullopt, std::nullopt);
    }
    check_freelist();
    for (uint64_t p = kFirstDataPage; p < meta_.page_count; ++p) {
      if (!owners_.count(p)) issue(p, "", "leaked: neither reachable nor free");
    }
  }

 private:
  void issue(uint64_t page_no, std::string_view key, std::string message) {
    report_->issues.push_back(
        {page_no, key.empty() ? std::string() : printable_key(key), std::move(message)});
  }

  // Marks a page as owned; false (with an issue) if it is out of range or already owned.
  bool claim(uint64_t page_no, Owner owner, std::string_view context) {
    if (page_no < kFirstDataPage || page_no >= meta_.page_count) {
      issue(page_no, "", std::string(owner_name(owner)) + " out of range (page count " +
                             std::to_string(meta_.page_count) + "), referenced from " +
                             std::string(context));
      return false;
    }
    auto [it, inserted] = owners_.emplace(page_no, owner);
    if (!inserted) {
      issue(page_no, "", std::string("referenced twice: as ") + owner_name(it->second) +
                             " and as " + owner_name(owner) + " (from " + std::string(context) +
                             ")");
      return false;
    }
    return true;
  }

  void check_meta_slots() {
    MetaSlots slots = read_meta_slots(store_->file());
    for (int s = 0; s < 2; ++s) {
      if (!slots.slot[s].ok()) {
        report_->notes.push_back("meta slot " + std::to_string(s) + " invalid: " +
                                 slots.slot[s].status().message());
      }
    }
    if (slots.active < 0) {
      issue(0, "", "no valid meta slot");
    } else if (slots.slot[slots.active]->generation != meta_.generation) {
      report_->notes.push_back("the file's newest meta (generation " +
                               std::to_string(slots.slot[slots.active]->generation) +
                               ") differs from the open snapshot");
    }
  }

  void walk(uint64_t page_no, uint64_t depth, std::optional<std::string> lo,
            std::optional<std::string> hi) {
    if (depth > kMaxTreeDepth) {
      issue(page_no, "", "tree deeper than " + std::to_string(kMaxTreeDepth) + " levels");
      return;
    }
    if (!claim(page_no, Owner::kTree, "tree")) return;
    Result<PageRef> page = tx_->read(page_no);
    if (!page.ok()) {
      issue(page_no, "", page.status().message());
      return;
    }
    const uint8_t* p = (*page)->data();
    PageType type = page_type(p);
    if (type != PageType::kLeaf && type != PageType::kBranch) {
      issue(page_no, "", std::string("expected a tree page, found ") + page_type_name(type));
      return;
    }
    if (page_generation(p) > meta_.generation) {
      issue(page_no, "", "written by generation " + std::to_string(page_generation(p)) +
                             ", newer than the meta's " + std::to_string(meta_.generation));
    }
    report_->used_bytes += node::used_bytes(p, store_->page_size());
    uint16_t n = node::count(p);
    if (type == PageType::kLeaf) {
      ++report_->leaf_pages;
      if (leaf_depth_ == 0) {
        leaf_depth_ = depth;
        report_->depth = depth;
      } else if (leaf_depth_ != depth) {
        issue(page_no, "", "leaf at depth " + std::to_string(depth) + ", others at depth " +
                               std::to_string(leaf_depth_));
      }
      for (size_t i = 0; i < n; ++i) {
        std::string_view k = node::key(p, i);
        check_bounds(page_no, k, lo, hi);
        ++report_->keys;
        node::LeafValue v = node::leaf_value(p, i);
        if (v.overflow) check_overflow(page_no, k, v.overflow_page, v.length);
      }
      if (n == 0 && depth > 1) issue(page_no, "", "empty leaf below the root");
      return;
    }
    ++report_->branch_pages;
    if (n < 2 && depth > 1) issue(page_no, "", "branch with fewer than two children");
    for (size_t i = 0; i < n; ++i) {
      std::optional<std::string> child_lo = i == 0 ? lo : std::optional<std::string>(node::key(p, i));
      std::optional<std::string> child_hi = i + 1 < n ? std::optional<std::string>(node::key(p, i + 1)) : hi;
      if (i > 0) check_bounds(page_no, node::key(p, i), lo, hi);
      walk(node::child(p, i), depth + 1, child_lo, child_hi);
    }
  }

  void check_bounds(uint64_t page_no, std::string_view k, const std::optional<std::string>& lo,
                    const std::optional<std::string>& hi) {
    if (lo && k < *lo) issue(page_no, k, "key below its separator bound " + printable_key(*lo));
    if (hi && k >= *hi) issue(page_no, k, "key at or above its separator bound " + printable_key(*hi));
  }

  void check_overflow(uint64_t leaf_no, std::string_view k, uint64_t first, uint64_t length) {
    size_t capacity = store_->page_size() - kOverflowHeaderSize;
    uint64_t expected = (length + capacity - 1) / capacity;
    uint64_t page_no = first, seen = 0, remaining = length;
    std::string context = "overflow chain of leaf page " + std::to_string(leaf_no);
    while (page_no != 0) {
      if (seen >= expected) {
        issue(leaf_no, k, "overflow chain longer than its value");
        return;
      }
      if (!claim(page_no, Owner::kOverflow, context)) return;
      ++report_->overflow_pages;
      Result<PageRef> page = tx_->read(page_no);
      if (!page.ok()) {
        issue(page_no, k, page.status().message());
        return;
      }
      const uint8_t* p = (*page)->data();
      if (page_type(p) != PageType::kOverflow) {
        issue(page_no, k, std::string("expected an overflow page, found ") +
                              page_type_name(page_type(p)));
        return;
      }
      uint64_t want = std::min<uint64_t>(capacity, remaining);
      if (page_aux(p) != want) {
        issue(page_no, k, "overflow page holds " + std::to_string(page_aux(p)) +
                              " bytes, expected " + std::to_string(want));
      }
      remaining -= want;
      ++seen;
      page_no = load_u64(p + kPageHeaderSize);
    }
    if (seen != expected) issue(leaf_no, k, "overflow chain ends early");
  }

  void check_freelist() {
    uint64_t page_no = meta_.freelist_head;
    size_t per_page = Freelist::runs_per_page(store_->page_size());
    while (page_no != 0) {
      if (!claim(page_no, Owner::kFreelist, "freelist chain")) return;
      ++report_->freelist_pages;
      Result<PageRef> page = tx_->read(page_no);
      if (!page.ok()) {
        issue(page_no, "", page.status().message());
        return;
      }
      const uint8_t* p = (*page)->data();
      if (page_type(p) != PageType::kFreelist) {
        issue(page_no, "", std::string("expected a freelist page, found ") +
                               page_type_name(page_type(p)));
        return;
      }
      size_t n = header_count(p);
      if (n > per_page) {
        issue(page_no, "", "freelist page claims " + std::to_string(n) + " runs");
        n = per_page;
      }
      for (size_t r = 0; r < n; ++r) {
        const uint8_t* q = p + Freelist::kRunsOffset + r * Freelist::kRunSize;
        uint64_t first = load_u64(q);
        uint32_t length = load_u32(q + 8);
        uint64_t generation = load_u64(q + 12);
        if (generation > meta_.generation) {
          issue(page_no, "", "free run retired by future generation " + std::to_string(generation));
        }
        if (first >= meta_.page_count || length > meta_.page_count - first) {
          issue(page_no, "", "free run " + std::to_string(first) + "+" + std::to_string(length) +
                                 " beyond the page count");
          continue;
        }
        for (uint64_t i = 0; i < length; ++i) {
          if (claim(first + i, Owner::kFree, "freelist page " + std::to_string(page_no))) {
            ++report_->free_pages;
          }
        }
      }
      page_no = load_u64(p + kPageHeaderSize);
    }
  }

  Store* store_;
  ReadTx* tx_;
  CheckReport* report_;
  Meta meta_;
  uint64_t leaf_depth_ = 0;
  std::map<uint64_t, Owner> owners_;
};

}  // namespace

Result<CheckReport> check_store(Store* store) {
  STRATA_ASSIGN(std::unique_ptr<ReadTx> tx, store->begin_read());
  CheckReport report;
  Checker(store, tx.get(), &report).run();
  return report;
}

}  // namespace strata
