#include "engine/page.h"

#include <xxhash.h>

#include <string>

namespace strata {

const char* page_type_name(PageType type) {
  switch (type) {
    case PageType::kMeta: return "meta";
    case PageType::kBranch: return "branch";
    case PageType::kLeaf: return "leaf";
    case PageType::kOverflow: return "overflow";
    case PageType::kFreelist: return "freelist";
  }
  return "unknown";
}

bool is_valid_page_size(uint64_t page_size) {
  return page_size >= kMinPageSize && page_size <= kMaxPageSize &&
         (page_size & (page_size - 1)) == 0;
}

void init_page(uint8_t* page, uint32_t page_size, PageType type, uint64_t page_no) {
  std::memset(page, 0, page_size);
  page[kOffType] = static_cast<uint8_t>(type);
  store_u64(page + kOffPageNo, page_no);
}

uint64_t page_checksum(const uint8_t* page, uint32_t page_size) {
  return XXH3_64bits(page + 8, page_size - 8);
}

void seal_page(uint8_t* page, uint32_t page_size, uint64_t page_no, uint64_t generation) {
  store_u64(page + kOffPageNo, page_no);
  store_u64(page + kOffGeneration, generation);
  store_u64(page + kOffChecksum, page_checksum(page, page_size));
}

Status verify_page(const uint8_t* page, uint32_t page_size, uint64_t expected_page_no) {
  uint64_t stored = load_u64(page + kOffChecksum);
  if (stored != page_checksum(page, page_size)) {
    bool all_zero = true;
    for (uint32_t i = 0; i < page_size && all_zero; ++i) all_zero = page[i] == 0;
    return Status::corruption("page " + std::to_string(expected_page_no) +
                              (all_zero ? ": page is all zeroes (never written or lost)"
                                        : ": checksum mismatch"));
  }
  uint64_t actual = page_no_of(page);
  if (actual != expected_page_no) {
    return Status::corruption("page " + std::to_string(expected_page_no) +
                              ": holds page " + std::to_string(actual) +
                              " (misdirected write)");
  }
  return Status::ok();
}

Status verify_page_type(const uint8_t* page, uint64_t page_no, PageType expected) {
  if (page_type(page) != expected) {
    return Status::corruption("page " + std::to_string(page_no) + ": expected a " +
                              page_type_name(expected) + " page, found type " +
                              std::to_string(static_cast<int>(page[kOffType])));
  }
  return Status::ok();
}

}  // namespace strata
