// FuzzInput: fuzzer bytes read as a stream of small decisions (a byte, a bounded number, a
// flag, a run of bytes). Invariant: never reads past the input; once the input is used up
// every decision is 0 (false, the first choice, an empty run), so any prefix of an input is
// itself a valid, shorter input and libFuzzer's mutations stay meaningful.
// Header-only, so a fuzz target and its replay build need nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace strata::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  size_t remaining() const { return size_ - pos_; }

  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool flag() { return (byte() & 1) != 0; }
  // A number in [0, n), n >= 1, from one byte (two when n > 256).
  uint32_t below(uint32_t n) {
    uint32_t raw = byte();
    if (n > 256) raw = (raw << 8) | byte();
    return n == 0 ? 0 : raw % n;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }
  // Up to max_len bytes (the length is one decision, then the bytes).
  std::string bytes(size_t max_len) {
    size_t n = below(static_cast<uint32_t>(max_len) + 1);
    if (n > remaining()) n = remaining();
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }
  // Everything left.
  std::string_view rest() {
    std::string_view out(reinterpret_cast<const char*>(data_ + pos_), remaining());
    pos_ = size_;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// A property of the code under test broke: print why and abort, so that libFuzzer saves the
// input and the replay test fails.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace strata::fuzz
