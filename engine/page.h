// Page: the fixed-size unit of the file, with a header every page shares.
//
// Every page, whatever its type, starts with this 32-byte header:
//
//   offset  size  field
//   0       8     checksum     XXH3-64 of bytes [8, page_size) of the page
//   8       8     page_no      the page's own number (detects misdirected writes)
//   16      8     generation   the commit that wrote this page
//   24      1     type         PageType below
//   25      1     flags        reserved, 0
//   26      2     count        entries on the page (cells, freelist runs, ...)
//   28      4     aux          type-specific
//   32      ...   body         type-specific (meta.h, node.h, freelist.h, overflow in btree.cc)
//
// Page n lives at byte offset n * page_size. All integers are little-endian.
// A page read from disk is trusted only after verify_page() passed.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vfs/status.h"

namespace strata {

inline constexpr uint32_t kMinPageSize = 512;
inline constexpr uint32_t kMaxPageSize = 65536;
inline constexpr uint32_t kDefaultPageSize = 4096;
inline constexpr size_t kPageHeaderSize = 32;

inline constexpr size_t kOffChecksum = 0;
inline constexpr size_t kOffPageNo = 8;
inline constexpr size_t kOffGeneration = 16;
inline constexpr size_t kOffType = 24;
inline constexpr size_t kOffFlags = 25;
inline constexpr size_t kOffCount = 26;
inline constexpr size_t kOffAux = 28;

enum class PageType : uint8_t {
  kMeta = 1,
  kBranch = 2,
  kLeaf = 3,
  kOverflow = 4,
  kFreelist = 5,
};

const char* page_type_name(PageType type);
bool is_valid_page_size(uint64_t page_size);

// Page bytes. Shared, immutable once published to the cache (PageRef);
// a write transaction owns mutable copies (PageBuf) until commit.
using PageBuf = std::vector<uint8_t>;
using PageRef = std::shared_ptr<const PageBuf>;

// Little-endian loads and stores at byte offsets.
inline uint16_t load_u16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t load_u32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t load_u64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }
inline void store_u16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline void store_u32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void store_u64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

// Header accessors.
inline uint64_t page_no_of(const uint8_t* page) { return load_u64(page + kOffPageNo); }
inline uint64_t page_generation(const uint8_t* page) { return load_u64(page + kOffGeneration); }
inline PageType page_type(const uint8_t* page) { return static_cast<PageType>(page[kOffType]); }
inline uint16_t header_count(const uint8_t* page) { return load_u16(page + kOffCount); }
inline uint32_t page_aux(const uint8_t* page) { return load_u32(page + kOffAux); }
inline void set_header_count(uint8_t* page, uint16_t v) { store_u16(page + kOffCount, v); }
inline void set_page_aux(uint8_t* page, uint32_t v) { store_u32(page + kOffAux, v); }

// Zeroes the page and writes type and page number.
void init_page(uint8_t* page, uint32_t page_size, PageType type, uint64_t page_no);

// Stamps page number and generation and computes the checksum. Call last, just
// before the page goes to disk.
void seal_page(uint8_t* page, uint32_t page_size, uint64_t page_no, uint64_t generation);

uint64_t page_checksum(const uint8_t* page, uint32_t page_size);

// Verifies checksum and page number of a page read from disk. The error names
// the page and the reason: "page 17: checksum mismatch".
Status verify_page(const uint8_t* page, uint32_t page_size, uint64_t expected_page_no);

// As verify_page, and the type must be `expected`.
Status verify_page_type(const uint8_t* page, uint64_t page_no, PageType expected);

}  // namespace strata
