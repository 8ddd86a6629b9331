#include "engine/pager.h"

#include "engine/node.h"

#include <string>

namespace strata {

namespace {
// No database file is larger than 2^48 bytes (256 TiB); a page beyond that is corruption.
constexpr uint64_t kMaxFileBytes = uint64_t{1} << 48;
}  // namespace

Pager::Pager(vfs::File* file, uint32_t page_size, size_t cache_bytes)
    : file_(file),
      page_size_(page_size),
      cache_capacity_pages_(cache_bytes / page_size < 16 ? 16 : cache_bytes / page_size) {}

Result<PageRef> Pager::read(uint64_t page_no) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(page_no);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second->second;
    }
  }
  // A page number read from a damaged page can be anything: one that no file could hold is
  // corruption, not an I/O request (found by the crash testbed's misdirected-write sweep).
  if (page_no >= kMaxFileBytes / page_size_) {
    return Status::corruption("page " + std::to_string(page_no) + ": page number out of range");
  }
  auto buf = std::make_shared<PageBuf>(page_size_);
  size_t got = 0;
  Status s = file_->read(page_no * page_size_, *buf, &got);
  if (!s.is_ok()) return s.with_context("reading page " + std::to_string(page_no));
  pages_read_.fetch_add(1, std::memory_order_relaxed);
  if (got != page_size_) {
    return Status::corruption("page " + std::to_string(page_no) +
                              ": beyond the end of the file (file truncated?)");
  }
  STRATA_TRY(verify_page(buf->data(), page_size_, page_no));
  PageType type = page_type(buf->data());
  if (type == PageType::kLeaf || type == PageType::kBranch) {
    STRATA_TRY(node::validate(buf->data(), page_size_, page_no));
  }
  PageRef ref = std::move(buf);
  std::lock_guard<std::mutex> lock(mu_);
  cache_insert(page_no, ref);
  return ref;
}

Result<PageBuf> Pager::read_raw(uint64_t page_no) {
  PageBuf buf(page_size_, 0);
  size_t got = 0;
  STRATA_TRY(file_->read(page_no * page_size_, buf, &got));
  return buf;
}

Status Pager::write(uint64_t page_no, PageRef page) {
  Status s = file_->write(page_no * page_size_, *page);
  if (!s.is_ok()) {
    // The page on disk is now unknown; never serve a stale cached copy of it.
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(page_no);
    if (it != index_.end()) {
      lru_.erase(it->second);
      index_.erase(it);
    }
    return s.with_context("writing page " + std::to_string(page_no));
  }
  pages_written_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  cache_insert(page_no, std::move(page));
  return Status::ok();
}

Status Pager::sync() {
  syncs_.fetch_add(1, std::memory_order_relaxed);
  return file_->sync();
}

void Pager::clear_cache() {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.clear();
  index_.clear();
}

void Pager::cache_insert(uint64_t page_no, PageRef page) {
  auto it = index_.find(page_no);
  if (it != index_.end()) {
    it->second->second = std::move(page);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(page_no, std::move(page));
  index_[page_no] = lru_.begin();
  while (lru_.size() > cache_capacity_pages_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

PagerStats Pager::stats() const {
  PagerStats s;
  s.pages_read = pages_read_.load();
  s.cache_hits = cache_hits_.load();
  s.pages_written = pages_written_.load();
  s.syncs = syncs_.load();
  return s;
}

}  // namespace strata
