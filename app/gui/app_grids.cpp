#include "app/gui/app_grids.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/problem_builder.hpp"

namespace attnlab::gui {
namespace {

// Block means down to at most `most` cells a side: a grid thumbnail needs no more, and H full
// Lq × Lk matrices at L = 4096 would be H × 64 MiB.
Matrix pooled(const Matrix& m, Index most) {
  const Index rows = std::min(m.rows(), most), cols = std::min(m.cols(), most);
  if (rows == m.rows() && cols == m.cols()) return m;
  Matrix out = Matrix::Zero(rows, cols), count = Matrix::Zero(rows, cols);
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j) {
      const Index r = i * rows / m.rows(), c = j * cols / m.cols();
      out(r, c) += m(i, j), count(r, c) += 1;
    }
  return out.cwiseQuotient(count);
}

// The masked stage pooled as pooled() does: a thumbnail cell is -inf when its whole block is masked.
Matrix pooled_mask(const Matrix& masked, Index most) {
  return pooled(masked.unaryExpr([](float x) { return std::isinf(x) && x < 0 ? 1.0f : 0.0f; }), most)
      .unaryExpr([](float all) { return all == 1.0f ? -INFINITY : 0.0f; });
}

}  // namespace

const AppState::HeadGrid& head_grid(AppState& app) {
  auto& grid = app.grid;
  if (grid.generation == app.generation) return grid;
  constexpr Index most = 128;
  // The mask is shared by every head.
  grid.masked = pooled_mask(app.trace().masked, most);
  grid.weights.resize(static_cast<std::size_t>(app.heads.heads()));
  Trace trace;  // one head at a time: the grid keeps thumbnails only
  for (Index h = 0; h < app.heads.heads(); ++h) {
    Matrix& weights = grid.weights[static_cast<std::size_t>(h)];
    if (h == app.applied.head) {
      weights = pooled(app.trace().weights, most);
    } else {
      app.engine->backend().compute(head_problem(app.heads, h), trace);
      weights = pooled(trace.weights, most);
    }
  }
  grid.generation = app.generation;
  return grid;
}

const AppState::ModelGrid& model_grid(AppState& app) {
  auto& grid = app.model_grid;
  if (grid.generation == app.generation) return grid;
  constexpr Index most = 64;
  const ModelRun* run = app.model.of(app.applied);
  grid.layers = run ? run->model.config.layers : 0;
  grid.heads = app.heads.heads();
  grid.weights.clear(), grid.masked.clear();
  Trace trace;
  for (Index l = 0; l < grid.layers; ++l) {
    Settings layer_settings = app.applied;  // each layer with its own mask and scale where the user kept them
    layer_settings.layer = static_cast<int>(l);
    follow_layer(layer_settings, app.applied.layer, app.model);
    const HeadsProblem layer = build_heads(layer_settings, model_source(layer_settings, app.model));
    for (Index h = 0; h < layer.heads(); ++h) {
      app.engine->backend().compute(head_problem(layer, h), trace);
      grid.weights.push_back(pooled(trace.weights, most));
    }
    grid.masked.push_back(pooled_mask(trace.masked, most));
  }
  grid.generation = app.generation;
  return grid;
}

}  // namespace attnlab::gui
