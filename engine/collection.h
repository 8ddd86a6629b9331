// Collections: named key/value spaces inside the one tree (like LibraDB's).
//
// Key layout in the tree:
//   0x00 "next_collection_id"         -> u32 big-endian, the next id to hand out
//   0x01 <name>                       -> u32 big-endian id   (the collection catalog)
//   0x02 <id: u32 big-endian> <key>   -> value               (a collection's data)
//   0x03 <generation: u64 big-endian> -> the Store's generation history (time travel, store.h)
// Other leading bytes (0x10 rows, 0x11 index entries, ...) belong to the SQL layer.
// Schema changes are transactional like any other write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/range_scan.h"
#include "engine/store.h"

namespace strata {

inline constexpr char kTagCollectionMeta = 0x00;
inline constexpr char kTagCollectionCatalog = 0x01;
inline constexpr char kTagCollectionData = 0x02;

class Collection {
 public:
  // REQUIRES: the transaction outlives the collection handle. Writes need a
  // handle obtained from a WriteTx.
  static Result<Collection> create(WriteTx* tx, std::string_view name);
  static Result<Collection> open(Tx* tx, std::string_view name);
  static Result<Collection> open(WriteTx* tx, std::string_view name);
  // Removes the collection and every key in it.
  static Status drop(WriteTx* tx, std::string_view name);
  static Result<std::vector<std::string>> list(Tx* tx);

  static size_t max_key_size(uint32_t page_size) { return BTree::max_key_size(page_size) - 5; }

  const std::string& name() const { return name_; }
  uint32_t id() const { return id_; }

  Result<std::optional<std::string>> get(std::string_view key);
  Status put(std::string_view key, std::string_view value);
  Result<bool> del(std::string_view key);
  // Keys in range (without the collection prefix), forward or backward.
  RangeScan scan(KeyRange range = KeyRange::all(), Direction direction = Direction::kForward);
  Result<uint64_t> count();

 private:
  Collection(Tx* tx, WriteTx* wtx, uint32_t id, std::string name);
  std::string data_key(std::string_view key) const { return prefix_ + std::string(key); }

  Tx* tx_;
  WriteTx* wtx_;  // null for read-only handles
  uint32_t id_;
  std::string name_;
  std::string prefix_;
};

}  // namespace strata
