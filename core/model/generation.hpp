#pragma once
// Generation (heads.md): a prompt, then one token at a time, each drawn from the last logits
// (sampling.hpp) and run through the model with its KV cache (forward_step), so that a new token
// costs one query row per layer and head. Stops at the model's end-of-text id.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model/forward.hpp"
#include "core/model/sampling.hpp"

namespace attnlab {

class Generation {
 public:
  // Checks the sampling, the ablation and the prompt against the model, then runs the prompt's
  // forward pass. Throws InputError.
  Generation(const Model& model, std::vector<std::int64_t> prompt, const Sampling& sampling,
             const Ablation& ablation = {}, const ModelProgress& progress = {});

  // Draws the next token and runs it through the model: the pass then holds its q, k, v row in every
  // layer and the logits after it. `shown` candidates are described in the draw. Throws InputError
  // when the sequence already fills the model's positions.
  TokenDraw step(Index shown = 0);
  // Takes the last generated token back: the cache loses its row, the logits are those before it
  // (kept from that step). The prompt stays. Returns false when there is nothing to take back.
  bool undo();

  const Model& model() const { return *model_; }
  const ForwardPass& pass() const { return pass_; }
  const std::vector<std::int64_t>& ids() const { return ids_; }  // prompt, then the new ids
  std::size_t prompt_size() const { return prompt_size_; }
  std::size_t generated() const { return ids_.size() - prompt_size_; }
  bool full() const { return static_cast<Index>(ids_.size()) >= model_->config.positions; }
  bool ended() const;  // the last new id is an end-of-text id

 private:
  bool mean_ablation() const;

  const Model* model_;
  std::size_t prompt_size_;
  std::vector<std::int64_t> ids_;
  Sampling sampling_;
  ForwardOptions options_;
  ForwardPass pass_;
  std::vector<Eigen::VectorXf> earlier_logits_;  // before each generated token, for undo
};

// Throws InputError when count < 1, or when the prompt and count new tokens would pass the model's
// positions (naming `option`, the count and both numbers): what a front end checks before a weight is read.
void check_generation_length(const ModelConfig& config, std::size_t prompt, Index count,
                             const std::string& option = "--tokens");

// `count` new tokens (fewer if an end-of-text id is drawn: it is the last), each handed to `on_token`
// as soon as it is drawn. Throws check_generation_length's errors up front.
std::vector<std::int64_t> generate(const Model& model, const std::vector<std::int64_t>& prompt, Index count,
                                   const Sampling& sampling, const Ablation& ablation = {},
                                   const std::function<void(std::int64_t)>& on_token = {});

}  // namespace attnlab
