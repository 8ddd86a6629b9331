#include "engine/check.h"

#include <algorithm>
#include <optional>
#include <set>

#include "engine/node.h"

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

const char* page_role_name(PageRole role) {
  switch (role) {
    case PageRole::kMeta:
      return "meta";
    case PageRole::kBranch:
      return "branch";
    case PageRole::kLeaf:
      return "leaf";
    case PageRole::kOverflow:
      return "overflow";
    case PageRole::kFreelist:
      return "freelist";
    case PageRole::kFree:
      return "free";
  }
  return "?";
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

const char* owner_name(PageRole role) {
  switch (role) {
    case PageRole::kMeta:
      return "meta page";
    case PageRole::kBranch:
    case PageRole::kLeaf:
      return "tree page";
    case PageRole::kOverflow:
      return "overflow page";
    case PageRole::kFreelist:
      return "freelist page";
    case PageRole::kFree:
      return "free page";
  }
  return "?";
}

PageUse page_use(PageRole role, uint64_t referrer = 0, uint32_t depth = 0) {
  PageUse use;
  use.role = role;
  use.referrer = referrer;
  use.depth = depth;
  return use;
}

class Checker {
 public:
  Checker(Pager* pager, vfs::File* file, const Meta& meta, CheckReport* report)
      : pager_(pager), file_(file), report_(report), meta_(meta) {}

  void run(const MetaSlots& slots) {
    report_->generation = meta_.generation;
    report_->page_size = meta_.page_size;
    report_->page_count = meta_.page_count;
    report_->retain_generations = meta_.retain_generations;
    pages_[0] = page_use(PageRole::kMeta);
    pages_[1] = page_use(PageRole::kMeta);
    check_meta_slots(slots);
    check_file_length();
    if (meta_.root != 0) {
      walk(meta_.root, meta_.root_generation, 0, 1, std::nullopt, std::nullopt);
    }
    check_freelist();
    report_leaked();
    check_retained();
  }

  std::map<uint64_t, PageUse> take_pages() { return std::move(pages_); }

 private:
  void issue(uint64_t page_no, std::string_view key, std::string message) {
    report_->issues.push_back(
        {page_no, key.empty() ? std::string() : printable_key(key), std::move(message)});
  }

  // Marks a page as used; false (with an issue) if it is out of range or already used.
  bool claim(uint64_t page_no, PageUse use, std::string_view context) {
    if (page_no < kFirstDataPage || page_no >= meta_.page_count) {
      issue(page_no, "",
            std::string(owner_name(use.role)) + " out of range (page count " +
                std::to_string(meta_.page_count) + "), referenced from " + std::string(context));
      return false;
    }
    PageRole role = use.role;
    use.sequence = pages_.size();
    auto [it, inserted] = pages_.try_emplace(page_no, std::move(use));
    if (!inserted) {
      issue(page_no, "",
            std::string("referenced twice: as ") + owner_name(it->second.role) + " and as " +
                owner_name(role) + " (from " + std::string(context) + ")");
      return false;
    }
    return true;
  }

  // The page's bytes once its checksum and page number verify; otherwise an issue.
  std::optional<PageBuf> read_page(uint64_t page_no, std::string_view key) {
    if (page_no >= report_->file_pages) {
      issue(page_no, key,
            "beyond the end of the file (" + std::to_string(report_->file_pages) + " pages)");
      return std::nullopt;
    }
    Result<PageBuf> page = pager_->read_raw(page_no);
    if (!page.ok()) {
      issue(page_no, key, page.status().to_string());
      return std::nullopt;
    }
    Status verified = verify_page(page->data(), meta_.page_size, page_no);
    if (!verified.is_ok()) {
      // verify_page says "page N: why"; the issue already names the page.
      const std::string& m = verified.message();
      size_t colon = m.find(": ");
      issue(page_no, key, colon == std::string::npos ? m : m.substr(colon + 2));
      return std::nullopt;
    }
    if (page_generation(page->data()) > meta_.generation) {
      issue(page_no, key,
            "written by generation " + std::to_string(page_generation(page->data())) +
                ", newer than the meta's " + std::to_string(meta_.generation));
    }
    return std::move(page).value();
  }

  void check_meta_slots(const MetaSlots& slots) {
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
                               ") differs from the checked snapshot");
    }
  }

  void check_file_length() {
    Result<uint64_t> size = file_->size();
    if (!size.ok()) {
      issue(0, "", "cannot size the file: " + size.status().to_string());
      return;
    }
    report_->file_pages = *size / meta_.page_size;
    // Every page below the page count is in the file (a commit trims pages it allocated and
    // never wrote); open refuses a shorter file. Walks below stay within the file, so a
    // damaged count cannot make the check visit or list billions of pages.
    if (report_->file_pages < meta_.page_count) {
      issue(0, "",
            "the file holds " + std::to_string(report_->file_pages) +
                " pages, fewer than the page count " + std::to_string(meta_.page_count));
      limit_ = std::max<uint64_t>(report_->file_pages, kFirstDataPage);
    } else if (report_->file_pages > meta_.page_count) {
      report_->notes.push_back("the file holds " + std::to_string(report_->file_pages) +
                               " pages; those from " + std::to_string(meta_.page_count) +
                               " on belong to no commit");
    }
  }

  // A checksum-valid page of another generation than its pointer records is stale.
  void check_generation(uint64_t page_no, std::string_view key, const uint8_t* p,
                        uint64_t expected) {
    if (page_generation(p) != expected) {
      issue(page_no, key,
            "stale page: written by generation " + std::to_string(page_generation(p)) +
                ", but the pointer to it expects generation " + std::to_string(expected));
    }
  }

  void walk(uint64_t page_no, uint64_t generation, uint64_t referrer, uint32_t depth,
            std::optional<std::string> lo, std::optional<std::string> hi) {
    if (depth > kMaxTreeDepth) {
      issue(page_no, "", "tree deeper than " + std::to_string(kMaxTreeDepth) + " levels");
      return;
    }
    PageUse use = page_use(PageRole::kLeaf, referrer, depth);
    if (!claim(page_no, use, referrer == 0 ? "the meta" : "page " + std::to_string(referrer))) {
      return;
    }
    std::optional<PageBuf> page = read_page(page_no, "");
    if (!page) {
      broken_.push_back(page_no);
      return;
    }
    const uint8_t* p = page->data();
    check_generation(page_no, "", p, generation);
    PageType type = page_type(p);
    if (type != PageType::kLeaf && type != PageType::kBranch) {
      issue(page_no, "", std::string("expected a tree page, found ") + page_type_name(type));
      broken_.push_back(page_no);
      return;
    }
    bool leaf = type == PageType::kLeaf;
    pages_[page_no].role = leaf ? PageRole::kLeaf : PageRole::kBranch;
    node::NodeAudit audit = node::audit(p, meta_.page_size);
    for (const std::string& problem : audit.problems) issue(page_no, "", problem);
    if (!audit.cells_usable) {
      broken_.push_back(page_no);
      return;
    }
    size_t n = node::count(p);
    report_->used_bytes += 2 * n;
    for (size_t i = 0; i < n; ++i) {
      if (audit.usable[i]) report_->used_bytes += node::cell_size(p, i);
    }
    if (leaf) {
      ++report_->leaf_pages;
      if (leaf_depth_ == 0) {
        leaf_depth_ = depth;
        report_->depth = depth;
      } else if (leaf_depth_ != depth) {
        issue(page_no, "",
              "leaf at depth " + std::to_string(depth) + ", others at depth " +
                  std::to_string(leaf_depth_));
      }
      if (n == 0 && depth > 1) issue(page_no, "", "empty leaf below the root");
      for (size_t i = 0; i < n; ++i) {
        if (!audit.usable[i]) continue;
        std::string_view k = node::key(p, i);
        check_bounds(page_no, k, lo, hi);
        ++report_->keys;
        node::LeafValue v = node::leaf_value(p, i);
        if (!k.empty() && k[0] == kTagGenerationHistory) note_history(page_no, k, v);
        if (v.overflow) {
          check_overflow(page_no, k, v.overflow_page, v.overflow_generation, v.length);
        }
      }
      return;
    }
    ++report_->branch_pages;
    if (n < 2 && depth > 1) issue(page_no, "", "branch with fewer than two children");
    for (size_t i = 0; i < n; ++i) {
      if (!audit.usable[i]) {
        broken_.push_back(page_no);
        continue;
      }
      size_t next = i + 1;
      while (next < n && !audit.usable[next]) ++next;
      std::optional<std::string> child_lo =
          i == 0 ? lo : std::optional<std::string>(node::key(p, i));
      std::optional<std::string> child_hi =
          next < n ? std::optional<std::string>(node::key(p, next)) : hi;
      if (i > 0) check_bounds(page_no, node::key(p, i), lo, hi);
      walk(node::child(p, i), node::child_generation(p, i), page_no, depth + 1, child_lo,
           child_hi);
    }
  }

  void check_bounds(uint64_t page_no, std::string_view k, const std::optional<std::string>& lo,
                    const std::optional<std::string>& hi) {
    if (lo && k < *lo) issue(page_no, k, "key below its separator bound " + printable_key(*lo));
    if (hi && k >= *hi) {
      issue(page_no, k, "key at or above its separator bound " + printable_key(*hi));
    }
  }

  void check_overflow(uint64_t leaf_no, std::string_view k, uint64_t first, uint64_t generation,
                      uint64_t length) {
    size_t capacity = meta_.page_size - kOverflowHeaderSize;
    uint64_t expected = (length + capacity - 1) / capacity;
    uint64_t page_no = first, referrer = leaf_no, seen = 0, remaining = length;
    while (page_no != 0) {
      if (seen >= expected) {
        issue(leaf_no, k, "overflow chain longer than its value");
        return;
      }
      PageUse use = page_use(PageRole::kOverflow, referrer);
      use.key = std::string(k);
      if (!claim(page_no, std::move(use),
                 "the overflow chain of leaf page " + std::to_string(leaf_no))) {
        return;
      }
      ++report_->overflow_pages;
      std::optional<PageBuf> page = read_page(page_no, k);
      if (!page) {
        broken_.push_back(page_no);
        return;
      }
      const uint8_t* p = page->data();
      check_generation(page_no, k, p, generation);
      if (page_type(p) != PageType::kOverflow) {
        issue(page_no, k,
              std::string("expected an overflow page, found ") + page_type_name(page_type(p)));
        broken_.push_back(page_no);
        return;
      }
      uint64_t want = std::min<uint64_t>(capacity, remaining);
      if (page_aux(p) != want) {
        issue(page_no, k,
              "overflow page holds " + std::to_string(page_aux(p)) + " bytes, expected " +
                  std::to_string(want));
      }
      remaining -= want;
      ++seen;
      referrer = page_no;
      page_no = load_u64(p + kPageHeaderSize);
    }
    if (seen != expected) issue(leaf_no, k, "overflow chain ends early");
  }

  void check_freelist() {
    uint64_t page_no = meta_.freelist_head, referrer = 0;
    size_t per_page = Freelist::runs_per_page(meta_.page_size);
    while (page_no != 0) {
      if (!claim(page_no, page_use(PageRole::kFreelist, referrer),
                 referrer == 0 ? "the meta" : "freelist page " + std::to_string(referrer))) {
        return;
      }
      ++report_->freelist_pages;
      std::optional<PageBuf> page = read_page(page_no, "");
      if (!page) {
        broken_.push_back(page_no);
        return;
      }
      const uint8_t* p = page->data();
      check_generation(page_no, "", p, meta_.generation);
      if (page_type(p) != PageType::kFreelist) {
        issue(page_no, "",
              std::string("expected a freelist page, found ") + page_type_name(page_type(p)));
        broken_.push_back(page_no);
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
        std::string run = "free run " + std::to_string(first) + "+" + std::to_string(length);
        if (generation > meta_.generation) {
          issue(page_no, "", run + " retired by future generation " + std::to_string(generation));
        }
        if (first < kFirstDataPage || first >= meta_.page_count ||
            length > meta_.page_count - first) {
          issue(page_no, "", run + " outside pages 2.." + std::to_string(meta_.page_count - 1));
          continue;
        }
        // Beyond the file (already an issue) nothing is claimed.
        uint64_t claimable = first >= limit_ ? 0 : std::min<uint64_t>(length, limit_ - first);
        for (uint64_t i = 0; i < claimable; ++i) {
          PageUse use = page_use(PageRole::kFree, page_no);
          use.retired_by = generation;
          if (claim(first + i, std::move(use), "freelist page " + std::to_string(page_no))) {
            ++report_->free_pages;
            if (generation != 0) ++report_->pending_pages;
          }
        }
      }
      referrer = page_no;
      page_no = load_u64(p + kPageHeaderSize);
    }
  }

  // Pages nobody accounts for, reported as runs; when the walk could not descend below a
  // broken page, they are most likely what lay beneath it.
  void report_leaked() {
    std::string hint;
    if (!broken_.empty()) {
      std::sort(broken_.begin(), broken_.end());
      broken_.erase(std::unique(broken_.begin(), broken_.end()), broken_.end());
      hint = " (perhaps accounted for by what the check could not read: page";
      hint += broken_.size() > 1 ? "s " : " ";
      for (size_t i = 0; i < broken_.size() && i < 8; ++i) {
        hint += (i ? ", " : "") + std::to_string(broken_[i]);
      }
      hint += broken_.size() > 8 ? ", ...)" : ")";
    }
    // Gaps between the pages accounted for, up to the page count (or the file's end).
    uint64_t p = kFirstDataPage;
    while (p < limit_) {
      auto used = pages_.lower_bound(p);
      if (used != pages_.end() && used->first == p) {
        ++p;
        continue;
      }
      uint64_t last = used == pages_.end() ? limit_ - 1 : std::min(used->first, limit_) - 1;
      if (last == p) {
        issue(p, "", "leaked: neither reachable nor free" + hint);
      } else {
        issue(p, "",
              "leaked: pages " + std::to_string(p) + ".." + std::to_string(last) + " (" +
                  std::to_string(last - p + 1) + " pages) neither reachable nor free" + hint);
      }
      p = last + 1;
    }
  }

  // A history record (store.h): generation g's tree stays readable for AS OF GENERATION.
  void note_history(uint64_t page_no, std::string_view k, const node::LeafValue& v) {
    if (v.overflow) {
      issue(page_no, k, "generation history record stored in an overflow chain");
      return;
    }
    Result<RetainedGeneration> g = decode_generation_history(k, v.inline_bytes);
    if (!g.ok()) {
      issue(page_no, k, g.status().message());
      return;
    }
    if (g->generation >= meta_.generation ||
        g->generation + meta_.retain_generations < meta_.generation) {
      issue(page_no, k,
            "history record of generation " + std::to_string(g->generation) +
                " outside the retained window (generation " + std::to_string(meta_.generation) +
                ", retain_generations " + std::to_string(meta_.retain_generations) + ")");
      return;
    }
    retained_.push_back(*g);
    report_->retained.push_back(*g);
  }

  // Every page a retained generation reaches must stay as that generation wrote it: a page of
  // the current tree (then its subtree is shared and checked), or a page pending since a
  // commit after that generation. A page free for good, or retired by the generation itself or
  // before, may be handed out by the next writer.
  void check_retained() {
    for (const RetainedGeneration& g : retained_) {
      if (g.root != 0) walk_retained(g, g.root, g.root_generation, 1);
    }
  }

  void walk_retained(const RetainedGeneration& g, uint64_t page_no, uint64_t generation,
                     uint32_t depth) {
    const std::string who = "retained generation " + std::to_string(g.generation);
    if (depth > kMaxTreeDepth || page_no < kFirstDataPage || page_no >= limit_) {
      issue(page_no, "", who + " refers to page " + std::to_string(page_no) +
                             " out of range or too deep");
      return;
    }
    auto use = pages_.find(page_no);
    if (use != pages_.end() && use->second.role != PageRole::kFree &&
        use->second.role != PageRole::kFreelist) {
      return;  // the current snapshot's page: checked by the main walk
    }
    if (use == pages_.end() || use->second.role == PageRole::kFreelist ||
        use->second.retired_by <= g.generation) {
      issue(page_no, "",
            who + " reaches this page, but it is " +
                (use == pages_.end() ? std::string("leaked")
                 : use->second.role == PageRole::kFreelist
                     ? std::string("a freelist page")
                     : use->second.retired_by == 0
                           ? std::string("free for reuse")
                           : "pending only since commit " +
                                 std::to_string(use->second.retired_by)));
      return;
    }
    if (!retained_seen_.insert(page_no).second) return;
    std::optional<PageBuf> page = read_page(page_no, "");
    if (!page) return;
    const uint8_t* p = page->data();
    check_generation(page_no, "", p, generation);
    PageType type = page_type(p);
    if (type == PageType::kOverflow) {
      uint64_t next = load_u64(p + kPageHeaderSize);
      if (next != 0) walk_retained(g, next, generation, depth);
      return;
    }
    if (type != PageType::kLeaf && type != PageType::kBranch) {
      issue(page_no, "", who + " reaches a " + page_type_name(type) + " page");
      return;
    }
    node::NodeAudit audit = node::audit(p, meta_.page_size);
    if (!audit.cells_usable) {
      issue(page_no, "", who + " reaches a damaged tree page");
      return;
    }
    const size_t n = node::count(p);
    for (size_t i = 0; i < n; ++i) {
      if (!audit.usable[i]) continue;
      if (type == PageType::kBranch) {
        walk_retained(g, node::child(p, i), node::child_generation(p, i), depth + 1);
      } else if (node::LeafValue v = node::leaf_value(p, i); v.overflow) {
        walk_retained(g, v.overflow_page, v.overflow_generation, depth);
      }
    }
  }

  std::vector<RetainedGeneration> retained_;
  std::set<uint64_t> retained_seen_;

  Pager* pager_;
  vfs::File* file_;
  CheckReport* report_;
  Meta meta_;
  // Pages [2, limit_) are in the file: the page count, or the file's length when it is shorter.
  uint64_t limit_ = meta_.page_count;
  uint32_t leaf_depth_ = 0;
  std::map<uint64_t, PageUse> pages_;
  std::vector<uint64_t> broken_;  // pages whose subtree or chain the walk could not follow
};

void finish(Checker* checker, const CheckOptions& options, CheckReport* report) {
  if (options.map_pages) report->pages = checker->take_pages();
}

}  // namespace

Result<CheckReport> check_store(Store* store, const CheckOptions& options) {
  // Pin a snapshot whose meta we know: the meta read after begin_read must be the reader's.
  std::unique_ptr<ReadTx> tx;
  Meta meta;
  for (int attempt = 0;; ++attempt) {
    meta = store->meta();
    STRATA_ASSIGN(tx, store->begin_read());
    if (tx->generation() == meta.generation) break;
    tx.reset();
    if (attempt > 100) return Status::busy("check: commits keep racing the checker");
  }
  CheckReport report;
  Checker checker(store->pager(), store->file(), meta, &report);
  checker.run(read_meta_slots(store->file()));
  finish(&checker, options, &report);
  return report;
}

Result<CheckReport> check_file(vfs::File* file, const CheckOptions& options) {
  STRATA_TRY(file->size().status_or_ok());
  MetaSlots slots = read_meta_slots(file);
  CheckReport report;
  if (slots.active < 0) {
    for (int s = 0; s < 2; ++s) {
      report.issues.push_back({0, "", slots.slot[s].status().message()});
    }
    report.issues.push_back({0, "", "no valid meta slot: nothing else can be checked"});
    return report;
  }
  Meta meta = slots.slot[slots.active].value();
  Pager pager(file, meta.page_size, size_t{1} << 20);
  Checker checker(&pager, file, meta, &report);
  checker.run(slots);
  finish(&checker, options, &report);
  return report;
}

}  // namespace strata
