// libFuzzer target for the file readers. The first byte chooses the reader (modulo 6: 0 .npy, 1 .csv,
// 2 a safetensors header, 3 tokenizer.json, 4 config.json, 5 model.safetensors.index.json); the rest is
// the file. InputError is the expected answer to bad input; a crash, a sanitizer report, another
// exception or a result that breaks the reader's contract (an Array's shape and data; a header's tiling
// of the data; a tokenizer's ids inside its vocabulary; a config's sizes inside their limits; an
// index's shards plain file names) is a bug.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/limits.hpp"
#include "core/io/csv.hpp"
#include "core/io/npy.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/config.hpp"
#include "core/model/safetensors.hpp"
#include "core/tokenizer/tokenizer.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_array(const attnlab::Array& a) {
  check(!a.shape.empty() && a.shape.size() <= 3);
  std::size_t count = 1;
  for (const attnlab::Index d : a.shape) {
    check(d >= 1);
    count *= static_cast<std::size_t>(d);
  }
  check(count == a.data.size());
  if (a.is_bool)
    for (const float v : a.data) check(v == 0.0f || v == 1.0f);
}

// A 2-D float array must survive the writer and reader unchanged, bit for bit.
void check_round_trip(const attnlab::Array& a) {
  if (a.shape.size() != 2) return;
  const attnlab::Matrix m = Eigen::Map<const attnlab::Matrix>(a.data.data(), a.shape[0], a.shape[1]);
  const attnlab::Array back = attnlab::parse_npy(attnlab::npy_bytes(m), "round trip");
  check(back.shape == a.shape && !back.is_bool && back.data.size() == a.data.size());
  for (std::size_t i = 0; i < a.data.size(); ++i)
    check(std::bit_cast<std::uint32_t>(back.data[i]) == std::bit_cast<std::uint32_t>(a.data[i]));
}

// An accepted safetensors header tiles the data exactly: from 0, contiguous, each tensor the size of
// its shape, the last ending at the end of the file.
void check_header(const attnlab::SafetensorsHeader& h, std::size_t file_size) {
  std::uint64_t at = 0;
  for (const attnlab::TensorEntry& t : h.tensors) {
    check(t.begin == at && t.end >= t.begin);
    std::uint64_t bytes = attnlab::dtype_size(t.dtype);
    for (const std::uint64_t d : t.shape) check(!__builtin_mul_overflow(bytes, d, &bytes));
    check(t.end - t.begin == bytes);
    at = t.end;
  }
  check(h.data_start >= 8 && h.data_start + at == file_size);
}

// A tokenizer that loads must tokenize a text with added tokens, spaces, digits, accents and emoji
// into ids of its vocabulary, each with a label.
void check_tokenizer(std::string_view json) {
  const attnlab::Tokenizer t = attnlab::Tokenizer::parse_tokenizer_json(json, "fuzz file tokenizer.json");
  for (const std::int32_t id : t.encode("Hi <s> there, it's 2024!\n  caf\xC3\xA9 \xF0\x9F\x98\x80<|endoftext|>")) {
    check(id >= 0 && static_cast<std::size_t>(id) < t.vocab_size());
    (void)t.token_text(id);
  }
}

// An accepted config.json has every size inside its limit, heads that share their KV heads evenly, and
// a list of sliding layers as long as the layers when there is a window.
void check_config(const attnlab::ModelConfig& c) {
  namespace limits = attnlab::limits;
  check(limits::model_vocab.contains(c.vocab) && limits::model_width.contains(c.hidden));
  check(limits::layers.contains(c.layers) && limits::heads.contains(c.heads) && limits::heads.contains(c.kv_heads));
  check(c.heads % c.kv_heads == 0 && limits::model_width.contains(c.heads * c.head_dim));
  check(limits::model_width.contains(c.intermediate) && limits::size.contains(c.positions));
  check(!c.sliding_window ||
        (limits::size.contains(*c.sliding_window) && c.sliding_layers.size() == static_cast<std::size_t>(c.layers)));
}

// An accepted index names shards that are plain file names in the folder.
void check_index(const std::vector<std::pair<std::string, std::string>>& map) {
  for (const auto& [tensor, shard] : map) {
    check(!shard.empty() && shard != "." && shard != ".." && shard.find('/') == std::string::npos);
    for (const char c : shard) check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const int reader = data[0] % 6;
    if (reader == 2) {
      check_header(attnlab::parse_safetensors(bytes, "fuzz file f.safetensors"), bytes.size());
      return 0;
    }
    if (reader == 3) {
      check_tokenizer(bytes);
      return 0;
    }
    if (reader == 4) {
      check_config(attnlab::parse_config(bytes, "fuzz file config.json"));
      return 0;
    }
    if (reader == 5) {
      check_index(attnlab::parse_index(bytes, "fuzz file model.safetensors.index.json"));
      return 0;
    }
    const attnlab::Array a =
        reader == 0 ? attnlab::parse_npy(bytes, "fuzz file f.npy") : attnlab::parse_csv(bytes, "fuzz file f.csv");
    check_array(a);
    check_round_trip(a);
  } catch (const attnlab::InputError& e) {
    check(std::string_view(e.what()).substr(0, 10) == "fuzz file ");
  }
  return 0;
}
