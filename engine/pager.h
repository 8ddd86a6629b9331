// Pager: reads and writes whole pages of one file through the VFS.
//
// Every page read from the file is verified (checksum, own page number) before
// anyone sees it; a failure is a kCorruption status naming the page. Verified
// pages are kept in a bounded LRU cache (cache_bytes; memory does not grow
// with the file). Pages are immutable once written (copy-on-write), so a
// cached page stays right until its page number is reused, and reuse always
// goes through write(), which replaces the cached copy. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/page.h"
#include "vfs/vfs.h"

namespace strata {

struct PagerStats {
  uint64_t pages_read = 0;     // pages read from the file (cache misses)
  uint64_t cache_hits = 0;
  uint64_t pages_written = 0;
  uint64_t syncs = 0;
};

class Pager {
 public:
  // REQUIRES: file outlives the pager; page_size is valid.
  Pager(vfs::File* file, uint32_t page_size, size_t cache_bytes);

  uint32_t page_size() const { return page_size_; }
  vfs::File* file() const { return file_; }

  // Reads a verified page (from the cache or the file).
  Result<PageRef> read(uint64_t page_no);

  // Reads a page without verifying it and without caching, for inspection of
  // damaged files. Missing bytes past the end of the file read as zeroes.
  Result<PageBuf> read_raw(uint64_t page_no);

  // Writes a sealed page to the file and publishes it to the cache.
  Status write(uint64_t page_no, PageRef page);

  Status sync();

  // Drops every cached page (after reopening, or when the file changed under us).
  void clear_cache();

  PagerStats stats() const;

 private:
  void cache_insert(uint64_t page_no, PageRef page);

  vfs::File* file_;
  uint32_t page_size_;
  size_t cache_capacity_pages_;

  mutable std::mutex mu_;
  std::list<std::pair<uint64_t, PageRef>> lru_;  // front = most recent
  std::unordered_map<uint64_t, std::list<std::pair<uint64_t, PageRef>>::iterator> index_;

  std::atomic<uint64_t> pages_read_{0}, cache_hits_{0}, pages_written_{0}, syncs_{0};
};

}  // namespace strata
