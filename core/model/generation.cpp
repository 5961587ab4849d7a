#include "core/model/generation.hpp"

#include <algorithm>
#include <string>

namespace attnlab {

Generation::Generation(const Model& model, std::vector<std::int64_t> prompt, const Sampling& sampling,
                       const Ablation& ablation, const ModelProgress& progress)
    : model_(&model), prompt_size_(prompt.size()), ids_(std::move(prompt)), sampling_(sampling), options_{ablation} {
  check_sampling(sampling);
  check_ablation(ablation, model.config);
  pass_ = forward(model, ids_, progress, options_);
}

bool Generation::mean_ablation() const {
  return options_.ablation.mode == AblationMode::mean && !options_.ablation.empty();
}

bool Generation::ended() const {
  const std::vector<std::int64_t>& eos = model_->config.eos_ids;
  return generated() > 0 && std::find(eos.begin(), eos.end(), ids_.back()) != eos.end();
}

TokenDraw Generation::step(Index shown) {
  if (full())
    throw InputError("the sequence fills the model's " + std::to_string(model_->config.positions) +
                     " positions: no token can follow");
  TokenDraw draw = draw_token(pass_.logits, sampling_, generated(), shown);
  earlier_logits_.push_back(pass_.logits);
  ids_.push_back(draw.id);
  // A mean knock-out's mean is over every position, so a new one changes them all: no cache then.
  if (mean_ablation()) pass_ = forward(*model_, ids_, {}, options_);
  else forward_step(*model_, pass_, draw.id, options_);
  return draw;
}

bool Generation::undo() {
  if (generated() == 0) return false;
  ids_.pop_back();
  Eigen::VectorXf kept_logits = std::move(earlier_logits_.back());
  earlier_logits_.pop_back();
  if (mean_ablation()) {
    pass_ = forward(*model_, ids_, {}, options_);
    return true;
  }
  // Every row before the last is as it was before that token came: the cache just forgets its row.
  drop_last_tokens(pass_, static_cast<Index>(ids_.size()));
  pass_.logits = std::move(kept_logits);
  return true;
}

void check_generation_length(const ModelConfig& c, std::size_t prompt, Index count, const std::string& option) {
  if (count < 1) throw InputError(option + " " + std::to_string(count) + ": give 1 or more new tokens");
  if (static_cast<Index>(prompt) + count > c.positions)
    throw InputError(option + " " + std::to_string(count) + " after " + std::to_string(prompt) +
                     " prompt tokens makes " + std::to_string(static_cast<Index>(prompt) + count) +
                     ", more than the model's " + std::to_string(c.positions) + " positions");
}

std::vector<std::int64_t> generate(const Model& model, const std::vector<std::int64_t>& prompt, Index count,
                                   const Sampling& sampling, const Ablation& ablation,
                                   const std::function<void(std::int64_t)>& on_token) {
  check_generation_length(model.config, prompt.size(), count);
  Generation generation(model, prompt, sampling, ablation);
  std::vector<std::int64_t> ids;
  while (static_cast<Index>(ids.size()) < count) {
    const std::int64_t id = generation.step().id;
    ids.push_back(id);
    if (on_token) on_token(id);
    if (generation.ended()) break;
  }
  return ids;
}

}  // namespace attnlab
