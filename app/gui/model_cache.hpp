#pragma once
// A real model's KV cache (heads.md): every layer keeps, per token, one key and one value of
// head_dim numbers per KV head, in the checkpoint's dtype. The heads panel's table and the
// generation tab count it from the model's own config and the tokens so far.
#include <cstdint>

#include "core/model/model.hpp"

namespace attnlab::gui {

struct ModelCache {
  Index layers = 0, heads = 0, kv_heads = 0, head_dim = 0;
  Index tokens = 0, positions = 0;  // the sentence's so far, and the most the model takes
  int value_bytes = 4;              // 2 for a 16-bit (F16, BF16) checkpoint, 4 for F32
  // Every layer's keys and values of one token, with `kv` KV heads (the model's, or H for MHA, 1 for MQA).
  std::uint64_t per_token(Index kv) const;
  std::uint64_t now(Index kv) const { return per_token(kv) * static_cast<std::uint64_t>(tokens); }
  std::uint64_t full(Index kv) const { return per_token(kv) * static_cast<std::uint64_t>(positions); }
};

// The cache of `model` after `tokens` tokens.
ModelCache model_cache(const Model& model, Index tokens);

}  // namespace attnlab::gui
