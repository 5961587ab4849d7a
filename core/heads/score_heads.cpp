#include "core/heads/score_heads.hpp"

#include "core/attention/first_error.hpp"
#include "core/model/causal_attention.hpp"

namespace attnlab {

HeadScores score_heads(const ModelConfig& config, const ForwardPass& pass, const std::vector<std::int64_t>& ids) {
  HeadScores scores{config.layers, config.heads, {}};
  scores.values.resize(static_cast<std::size_t>(config.layers * config.heads));
  const EarlierCopies earlier = earlier_copies(ids);
  FirstError error;
#pragma omp parallel for schedule(dynamic)
  for (Index n = 0; n < config.layers * config.heads; ++n)
    error.run([&] {
      const Index layer = n / config.heads, head = n % config.heads;
      const LayerQKV& kept = pass.layers[static_cast<std::size_t>(layer)];
      const Matrix weights = head_weights(kept.q, kept.k, attention_shape(config, layer), head, 0);
      scores.values[static_cast<std::size_t>(n)] = score_head(weights, earlier);
    });
  error.rethrow();
  return scores;
}

}  // namespace attnlab
