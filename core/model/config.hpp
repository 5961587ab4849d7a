#pragma once
// config.json: which architecture, and every size and constant the forward pass needs.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/families.hpp"

namespace attnlab {

// rope_scaling of type llama3 (Llama 3.1 and later): long wavelengths slowed by `factor`, short ones
// kept, the band between smoothed.
struct Llama3Scaling {
  double factor = 1, low_freq_factor = 1, high_freq_factor = 4;
  double original_max_position_embeddings = 8192;
};

// rope_scaling of type longrope (Phi-3.5, Phi-4-mini): each rotary frequency divided by its own
// factor, the short ones up to original_max_position_embeddings tokens, the long ones beyond, and
// cos and sin multiplied by attention_factor.
struct LongRope {
  std::vector<double> short_factor, long_factor;
  double original_max_position_embeddings = 4096;
  double attention_factor = 1;
};

// The MLP's activation: GELU's tanh approximation (gelu_new, gelu_pytorch_tanh), the exact GELU
// (erf), or SiLU; in the gated MLPs it acts on the gate.
enum class Activation { gelu_tanh, gelu, silu };

struct ModelConfig {
  std::string model_type;  // as config.json says it (families.hpp lists them)
  Architecture architecture = Architecture::gpt2;
  Index vocab = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, intermediate = 0;
  Index positions = 0;  // n_positions or max_position_embeddings: the longest input
  // eos_token_id (one id or a list): generation stops when it draws one; ids outside the vocabulary
  // and values that are no whole number are left out (such a model simply never stops early).
  std::vector<std::int64_t> eos_ids;
  double norm_eps = 1e-5;
  bool tied = true;          // the output head is the token embedding
  bool qkv_bias = false;     // q, k, v projections have biases (gpt2, qwen2, llama's attention_bias)
  bool output_bias = false;  // the attention's output projection has one (gpt2, llama's attention_bias)
  bool mlp_bias = false;     // the MLP's projections have biases (gpt2, llama's mlp_bias)
  Activation activation = Activation::silu;
  // gpt2: scores / √hd unless scale_attn_weights is false, and / (layer + 1) when
  // scale_attn_by_inverse_layer_idx; gemma2, gemma3 · query_pre_attn_scalar^−½; the others always / √hd.
  bool scale_attn_weights = true;
  bool scale_by_inverse_layer = false;
  std::optional<double> query_pre_attn_scalar;
  // Gemma: RMSNorm's weight is (1 + w), and the embeddings are multiplied by √hidden (in float32).
  float norm_offset = 0;
  float embed_scale = 1;
  std::optional<double> final_logit_softcap;  // logits become c·tanh(z/c)
  // Gemma 2's attn_logit_softcapping: every layer's scaled scores become c·tanh(s/c) before the mask,
  // the lab's soft-cap stage (Problem::softcap).
  std::optional<double> attn_logit_softcap;
  bool parallel_residual = false;             // gpt_neox: x + attn(ln₁x) + mlp(ln₂x)

  double rope_theta = 10000;
  Index rotary_dims = 0;  // RoPE turns the first rotary_dims of each head (partial RoPE); the rest pass
  std::optional<Llama3Scaling> rope_scaling;
  std::optional<double> rope_linear_factor;  // rope_scaling of type linear: positions / factor
  std::optional<LongRope> longrope;
  std::optional<double> rope_local_theta;  // gemma3: the sliding layers' own θ, without scaling
  std::vector<bool> nope_layers;           // smollm3: the layers without RoPE (empty: none)
  // The keys a query sees in a sliding-window layer (mistral; qwen2 with use_sliding_window), and
  // which layers slide: none when there is no window.
  std::optional<Index> sliding_window;
  std::vector<bool> sliding_layers;

  bool slides(Index layer) const {
    return sliding_window && static_cast<std::size_t>(layer) < sliding_layers.size() && sliding_layers[layer];
  }
  bool nope(Index layer) const {
    return static_cast<std::size_t>(layer) < nope_layers.size() && nope_layers[static_cast<std::size_t>(layer)];
  }
};

// config.json's limits: its size, and the JSON values it may hold (real ones have under a thousand).
inline constexpr std::uint64_t kMaxConfigBytes = 16 << 20;
inline constexpr std::uint64_t kMaxConfigValues = 1 << 20;

// Throws InputError starting with `name` (config.json's path): JSON that does not parse or is too
// large, an unsupported model_type (listing the supported), a missing or invalid field (naming it),
// a size outside its limits (core/base/limits.hpp: the key, the value and the range).
ModelConfig parse_config(std::string_view text, const std::string& name);
ModelConfig read_config(const std::filesystem::path& folder);

}  // namespace attnlab
