#include "engine/freelist.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace strata {

std::optional<uint64_t> Freelist::allocate() {
  if (free_.empty()) return std::nullopt;
  uint64_t page_no = *free_.begin();
  free_.erase(free_.begin());
  return page_no;
}

void Freelist::add_pending(uint64_t generation, const std::vector<uint64_t>& pages) {
  if (pages.empty()) return;
  auto& list = pending_[generation];
  list.insert(list.end(), pages.begin(), pages.end());
}

void Freelist::release_up_to(uint64_t generation) {
  auto end = pending_.upper_bound(generation);
  for (auto it = pending_.begin(); it != end; ++it) free_.insert(it->second.begin(), it->second.end());
  pending_.erase(pending_.begin(), end);
}

void Freelist::release_all() {
  for (auto& [gen, pages] : pending_) free_.insert(pages.begin(), pages.end());
  pending_.clear();
}

void Freelist::trim_free_tail(uint64_t floor, uint64_t* page_count) {
  while (*page_count > floor && !free_.empty() && *free_.rbegin() == *page_count - 1) {
    free_.erase(std::prev(free_.end()));
    --*page_count;
  }
}

size_t Freelist::pending_count() const {
  size_t n = 0;
  for (auto& [gen, pages] : pending_) n += pages.size();
  return n;
}

namespace {
void append_runs(std::vector<uint64_t> sorted, uint64_t generation, std::vector<FreeRun>* out) {
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[j - 1] + 1 && j - i < 0xffffffffu) ++j;
    out->push_back({sorted[i], static_cast<uint32_t>(j - i), generation});
    i = j;
  }
}
}  // namespace

std::vector<FreeRun> Freelist::runs() const {
  std::vector<FreeRun> out;
  append_runs(std::vector<uint64_t>(free_.begin(), free_.end()), 0, &out);
  for (auto& [gen, pages] : pending_) append_runs(pages, gen, &out);
  return out;
}

void Freelist::encode(const std::vector<FreeRun>& runs, const std::vector<uint64_t>& chain,
                      uint32_t page_size, std::vector<PageBuf>* pages) {
  size_t per_page = runs_per_page(page_size);
  size_t next_run = 0;
  for (size_t i = 0; i < chain.size(); ++i) {
    PageBuf page(page_size);
    init_page(page.data(), page_size, PageType::kFreelist, chain[i]);
    store_u64(page.data() + kPageHeaderSize, i + 1 < chain.size() ? chain[i + 1] : 0);
    size_t n = std::min(per_page, runs.size() - next_run);
    for (size_t r = 0; r < n; ++r) {
      uint8_t* p = page.data() + kRunsOffset + r * kRunSize;
      const FreeRun& run = runs[next_run + r];
      store_u64(p, run.first);
      store_u32(p + 8, run.length);
      store_u64(p + 12, run.generation);
    }
    set_header_count(page.data(), static_cast<uint16_t>(n));
    next_run += n;
    pages->push_back(std::move(page));
  }
}

Result<Freelist> Freelist::load(PageAccess* pages, uint64_t head, uint64_t generation,
                                uint64_t page_count, std::vector<uint64_t>* chain) {
  Freelist fl;
  std::set<uint64_t> seen;  // every page accounted for: chain pages and runs
  size_t per_page = runs_per_page(pages->page_size());
  uint64_t page_no = head;
  while (page_no != 0) {
    std::string where = "freelist page " + std::to_string(page_no);
    if (page_no < 2 || page_no >= page_count) {
      return Status::corruption(where + ": out of range (page count " +
                                std::to_string(page_count) + ")");
    }
    if (!seen.insert(page_no).second) {
      return Status::corruption(where + ": listed twice (cycle in the freelist chain?)");
    }
    chain->push_back(page_no);
    STRATA_ASSIGN(PageRef page, pages->read_expected(page_no, generation));
    const uint8_t* p = page->data();
    STRATA_TRY(verify_page_type(p, page_no, PageType::kFreelist));
    size_t n = header_count(p);
    if (n > per_page) return Status::corruption(where + ": too many runs");
    for (size_t r = 0; r < n; ++r) {
      const uint8_t* q = p + kRunsOffset + r * kRunSize;
      FreeRun run{load_u64(q), load_u32(q + 8), load_u64(q + 12)};
      if (run.length == 0 || run.first < 2 || run.first >= page_count ||
          run.length > page_count - run.first) {
        return Status::corruption(where + ": run " + std::to_string(run.first) + "+" +
                                  std::to_string(run.length) + " out of range");
      }
      std::vector<uint64_t> pending_pages;
      for (uint64_t i = 0; i < run.length; ++i) {
        uint64_t free_page = run.first + i;
        if (!seen.insert(free_page).second) {
          return Status::corruption(where + ": page " + std::to_string(free_page) +
                                    " listed twice");
        }
        if (run.generation == 0) {
          fl.free_.insert(free_page);
        } else {
          pending_pages.push_back(free_page);
        }
      }
      fl.add_pending(run.generation, pending_pages);
    }
    page_no = load_u64(p + kPageHeaderSize);
  }
  return fl;
}

}  // namespace strata
