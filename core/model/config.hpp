#pragma once
// config.json: which architecture, and every size and constant the forward pass needs.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

// gpt2: LayerNorm, Conv1D, learned positions, GELU. llama (also mistral, qwen2): RMSNorm, nn.Linear,
// RoPE, grouped-query heads, a SiLU-gated MLP.
enum class Architecture { gpt2, llama };

// rope_scaling of type llama3 (Llama 3.1 and later): long wavelengths slowed by `factor`, short ones
// kept, the band between smoothed.
struct Llama3Scaling {
  double factor = 1, low_freq_factor = 1, high_freq_factor = 4;
  double original_max_position_embeddings = 8192;
};

struct ModelConfig {
  std::string model_type;  // as config.json says: gpt2, llama, mistral, qwen2
  Architecture architecture = Architecture::gpt2;
  Index vocab = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, intermediate = 0;
  Index positions = 0;  // n_positions or max_position_embeddings: the longest input
  double norm_eps = 1e-5;
  bool tied = true;          // the output head is the token embedding
  bool qkv_bias = false;     // q, k, v projections have biases (gpt2, qwen2, llama's attention_bias)
  bool output_bias = false;  // the attention's output projection has one (gpt2, llama's attention_bias)
  bool mlp_bias = false;     // the MLP's projections have biases (gpt2, llama's mlp_bias)
  // gpt2: scores / √hd unless scale_attn_weights is false, and / (layer + 1) when
  // scale_attn_by_inverse_layer_idx; the others always / √hd.
  bool scale_attn_weights = true;
  bool scale_by_inverse_layer = false;
  double rope_theta = 10000;
  std::optional<Llama3Scaling> rope_scaling;
  // The keys a query sees in a sliding-window layer (mistral; qwen2 with use_sliding_window), and
  // which layers slide: none when there is no window.
  std::optional<Index> sliding_window;
  std::vector<bool> sliding_layers;

  bool slides(Index layer) const {
    return sliding_window && static_cast<std::size_t>(layer) < sliding_layers.size() && sliding_layers[layer];
  }
};

// The supported model types, as messages list them.
inline constexpr const char* supported_model_types = "gpt2, llama, mistral, qwen2";

// config.json's limits: its size, and the JSON values it may hold (real ones have under a thousand).
inline constexpr std::uint64_t kMaxConfigBytes = 16 << 20;
inline constexpr std::uint64_t kMaxConfigValues = 1 << 20;

// Throws InputError starting with `name` (config.json's path): JSON that does not parse or is too
// large, an unsupported model_type (listing the supported), a missing or invalid field (naming it),
// a size outside its limits (core/base/limits.hpp: the key, the value and the range).
ModelConfig parse_config(std::string_view text, const std::string& name);
ModelConfig read_config(const std::filesystem::path& folder);

}  // namespace attnlab
