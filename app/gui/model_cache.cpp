#include "app/gui/model_cache.hpp"

#include "core/attention/memory.hpp"

namespace attnlab::gui {

std::uint64_t ModelCache::per_token(Index kv) const {
  return kv_cache_bytes_per_token(kv, head_dim, head_dim, value_bytes) * static_cast<std::uint64_t>(layers);
}

ModelCache model_cache(const Model& model, Index tokens) {
  const ModelConfig& c = model.config;
  // A model runs in its checkpoint's dtype: a 16-bit one keeps 2-byte keys and values (the lab's own
  // pass widens them to float32 to show them).
  return {c.layers, c.heads, c.kv_heads, c.head_dim, tokens, c.positions, model.embed.sixteen_bit() ? 2 : 4};
}

}  // namespace attnlab::gui
