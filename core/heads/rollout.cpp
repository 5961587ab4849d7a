#include "core/heads/rollout.hpp"

namespace attnlab {

Matrix attention_rollout(const ModelConfig& config, const ForwardPass& pass) {
  const Index length = pass.layers.front().q.rows();
  Eigen::MatrixXd rollout = Eigen::MatrixXd::Identity(length, length);
  for (Index l = 0; l < config.layers; ++l) {
    const LayerQKV& kept = pass.layers[static_cast<std::size_t>(l)];
    const AttentionShape shape = attention_shape(config, l);
    Eigen::MatrixXd mixed = Eigen::MatrixXd::Zero(length, length);
    for (Index h = 0; h < config.heads; ++h) mixed += head_weights(kept.q, kept.k, shape, h, 0).cast<double>();
    mixed = 0.5 * (mixed / static_cast<double>(config.heads) + Eigen::MatrixXd::Identity(length, length));
    mixed.array().colwise() /= mixed.rowwise().sum().array();
    // The later layer on the left, R = Ã_ℓ · R; both causal, so a triangular product (half the work).
    rollout = mixed.triangularView<Eigen::Lower>() * rollout;
  }
  return rollout.cast<float>();
}

}  // namespace attnlab
