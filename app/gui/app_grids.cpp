#include "app/gui/app_grids.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/frame_budget.hpp"
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

namespace {

// The grid of the data now begins: what it is built from is kept until it is whole.
void begin_model_grid(AppState& app) {
  auto& grid = app.model_grid;
  auto& next = grid.next;
  const ModelRun* run = app.model.of(app.applied);
  next = {};
  next.generation = app.generation;
  next.settings = app.applied, next.model = app.model;
  next.layers = run ? run->model.config.layers : 0;
  next.heads = app.heads.heads();
  // Another model's grid would show its layers under this one's names.
  if (grid.layers != next.layers || grid.heads != next.heads) grid.weights.clear(), grid.masked.clear();
}

// The next head of the grid under way (its layer's problem built first when it is the layer's first).
void model_grid_head(AppState& app) {
  constexpr Index most = 64;
  auto& next = app.model_grid.next;
  if (next.head == 0) {
    Settings layer_settings = next.settings;  // each layer with its own mask and scale where the user kept them
    layer_settings.layer = static_cast<int>(next.layer);
    follow_layer(layer_settings, next.settings.layer, next.model);
    next.problem = build_heads(layer_settings, model_source(layer_settings, next.model));
  }
  Trace trace;
  app.engine->backend().compute(head_problem(next.problem, next.head), trace);
  next.weights.push_back(pooled(trace.weights, most));
  if (++next.head < next.problem.heads()) return;
  next.masked.push_back(pooled_mask(trace.masked, most));
  next.head = 0, ++next.layer;
}

}  // namespace

const AppState::ModelGrid& model_grid(AppState& app, double budget_ms) {
  FrameBudget budget(budget_ms);
  auto& grid = app.model_grid;
  auto& next = grid.next;
  while (grid.generation != app.generation) {
    if (next.generation < 0 || next.settings.model_folder != app.applied.model_folder) begin_model_grid(app);
    while (next.layer < next.layers) {
      if (!budget.room()) return grid;
      budget.run([&] { model_grid_head(app); });
    }
    grid.generation = next.generation;
    grid.layers = next.layers, grid.heads = next.heads;
    grid.weights = std::move(next.weights), grid.masked = std::move(next.masked);
    retire(app.generating, std::move(next.model));  // it may hold the last of a run generation replaced
    next = {};
  }
  return grid;
}

std::pair<Index, Index> model_grid_progress(const AppState& app) {
  const auto& next = app.model_grid.next;
  return {next.layer, next.layers};
}

}  // namespace attnlab::gui
