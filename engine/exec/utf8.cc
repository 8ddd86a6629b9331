#include "engine/exec/utf8.h"

namespace strata::exec {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Payload bits of a lead byte >= 0xC0: 110xxxxx, 1110xxxx, 11110xxx, 111110xx,
// 1111110x; 0xFE and 0xFF carry none.
uint32_t lead_payload(unsigned char lead) {
  if (lead < 0xe0) return lead & 0x1f;
  if (lead < 0xf0) return lead & 0x0f;
  if (lead < 0xf8) return lead & 0x07;
  if (lead < 0xfc) return lead & 0x03;
  if (lead < 0xfe) return lead & 0x01;
  return 0;
}

}  // namespace

std::string_view c_string(std::string_view text) {
  size_t nul = text.find('\0');
  return nul == std::string_view::npos ? text : text.substr(0, nul);
}

uint32_t utf8_read(std::string_view text, size_t* pos) {
  unsigned char lead = static_cast<unsigned char>(text[(*pos)++]);
  if (lead < 0xc0) return lead;
  uint32_t c = lead_payload(lead);
  while (*pos < text.size() && is_continuation(static_cast<unsigned char>(text[*pos]))) {
    c = (c << 6) + (static_cast<unsigned char>(text[(*pos)++]) & 0x3f);
  }
  if (c < 0x80 || (c & 0xFFFFF800) == 0xD800 || (c & 0xFFFFFFFE) == 0xFFFE) c = 0xFFFD;
  return c;
}

void utf8_skip(std::string_view text, size_t* pos) {
  unsigned char lead = static_cast<unsigned char>(text[(*pos)++]);
  if (lead < 0xc0) return;
  while (*pos < text.size() && is_continuation(static_cast<unsigned char>(text[*pos]))) ++*pos;
}

size_t utf8_char_count(std::string_view text) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) utf8_skip(text, &pos);
  return count;
}

}  // namespace strata::exec
