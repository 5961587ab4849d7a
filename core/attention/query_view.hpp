#pragma once
// One query's slice of a trace: what the stepper shows for the selected query. Selecting another
// query recomputes nothing; this only gathers rows that the trace already holds.
#include <optional>

#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {

struct QueryView {
  Index query = 0;
  Eigen::VectorXf scores, scaled, masked, weights;  // this query's row of each stage (full traces)
  Eigen::VectorXf capped;                           // with a soft-cap: C·tanh(scaled / C); else empty
  Eigen::VectorXf output;                           // dv
  Matrix contributions;                             // Lk × dv: weight_j · v_j, the terms that add up to the output
  RowStats stats;
  std::optional<double> softcap;  // the problem's C, for the cap drawn on the row's plot
  // With a sink: its logit, and its share of the softmax (stats.sink_weight), where the weight went
  // that the keys do not have: Σ weights = 1 − sink_weight.
  std::optional<double> sink;
  double sink_weight() const { return stats.sink_weight; }
};

QueryView query_view(const Problem& problem, const Trace& trace, Index query);

}  // namespace attnlab
