#pragma once
// A model loaded from a Hugging Face folder: its config and every weight the forward pass reads,
// found by name and checked against the config. The mapped files live as long as the model.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "core/model/checkpoint.hpp"
#include "core/model/config.hpp"
#include "core/model/weight.hpp"

namespace attnlab {

// What a slow load or forward pass says as it goes, from whatever thread runs it: layers `done` of
// `total` of the part named by `phase` ("loading the weights", "the forward pass").
using ModelProgress = std::function<void(const char* phase, Index done, Index total)>;

// One transformer block. gpt2 fills the Conv1D weights ([in, out]: y = x·W + b), the others the
// nn.Linear ones ([out, in]: y = x·Wᵀ + b); a weight or bias the model lacks stays empty.
struct LayerWeights {
  Weight attn_norm, attn_norm_bias;  // ln_1 / input_layernorm (olmo2: none)
  // gpt2: c_attn [E, 3E], q, k, v side by side; phi3: qkv_proj [H·hd + 2·G·hd, E], q rows, then k,
  // then v; gpt_neox: query_key_value [3E, E], each head's q, k and v rows adjacent.
  Weight qkv, qkv_bias;
  Weight q, k, v, q_bias, k_bias, v_bias;  // llama: [H·hd, E], [G·hd, E], [G·hd, E]
  Weight q_norm, k_norm;  // QK-norm before RoPE: [hd] on each head (qwen3, gemma3), or [H·hd], [G·hd] (olmo2)
  Weight out, out_bias;   // c_proj [E, E] / o_proj [E, H·hd]
  Weight attn_out_norm;   // on the attention's output before the residual add (gemma3, olmo2)
  Weight mlp_norm, mlp_norm_bias;                        // ln_2 / post_attention_layernorm / pre_feedforward
  Weight fc, fc_bias, proj, proj_bias;                   // gpt2: c_fc [E, M], c_proj [M, E]; gpt_neox [M, E], [E, M]
  Weight gate, up, down, gate_bias, up_bias, down_bias;  // llama: [M, E], [M, E], [E, M]
  Weight gate_up;                                        // phi3: gate_up_proj [2M, E], gate rows then up
  Weight mlp_out_norm;  // on the MLP's output before the residual add (gemma3, olmo2)
};

struct Model {
  std::filesystem::path folder;
  ModelConfig config;
  std::unique_ptr<Checkpoint> checkpoint;  // the mappings the in-place weights point into
  Weight embed;                            // wte / embed_tokens: [V, E]
  Weight positions;                        // gpt2's wpe: [P, E]
  std::vector<LayerWeights> layers;
  Weight final_norm, final_norm_bias;  // ln_f / model.norm
  Weight lm_head;                      // [V, E]; empty when tied to the embedding
  Index parameters = 0;                // the elements of every weight read, the tied one once
  // Known once the model is opened, before a weight is read: what the weights will take in memory
  // (weight_memory of each, model_memory.hpp), and the most a single tensor's file bytes take while
  // it is widened (a 16-bit norm or bias).
  std::uint64_t weight_bytes = 0, largest_widened_source = 0;

  const Weight& output() const { return lm_head.empty() ? embed : lm_head; }
};

// The folder opened: config.json read, every weights file mapped and its header checked, and every
// weight the forward pass reads found by name with its shape and dtype checked; no weight's data is
// read yet. Throws InputError naming the folder or file: a missing folder or config.json, and every
// error of read_config, Checkpoint and Weight::find.
Model open_model(const std::filesystem::path& folder);
// Reads the opened model's weights (F16 and BF16 matrices in place); throws InputError for a non-finite value.
void load_weights(Model& model, const ModelProgress& progress = {});
// Both.
Model load_model(const std::filesystem::path& folder, const ModelProgress& progress = {});

}  // namespace attnlab
