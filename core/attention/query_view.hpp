#pragma once
// One query's slice of a trace: what the stepper shows for the selected query. Selecting another
// query recomputes nothing; this only gathers rows that the trace already holds.
#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {

struct QueryView {
  Index query = 0;
  Eigen::VectorXf scores, scaled, masked, weights;  // this query's row of each stage (full traces)
  Eigen::VectorXf output;                           // dv
  Matrix contributions;                             // Lk × dv: weight_j · v_j, the terms that add up to the output
  RowStats stats;
};

QueryView query_view(const Problem& problem, const Trace& trace, Index query);

}  // namespace attnlab
