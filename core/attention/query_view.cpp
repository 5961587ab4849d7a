#include "core/attention/query_view.hpp"

namespace attnlab {

QueryView query_view(const Problem& problem, const Trace& trace, Index query) {
  if (query < 0 || query >= problem.lq())
    throw InputError("query " + std::to_string(query) + " is out of range: there are " + std::to_string(problem.lq()) +
                     " queries (0 to " + std::to_string(problem.lq() - 1) + ")");
  QueryView view;
  view.query = query;
  view.output = trace.output.row(query).transpose();
  view.stats = trace.stats[static_cast<std::size_t>(query)];
  view.softcap = problem.softcap;
  view.sink = problem.sink;
  if (!trace.full) return view;
  view.scores = trace.scores.row(query).transpose();
  view.scaled = trace.scaled.row(query).transpose();
  if (trace.capped.rows() == problem.lq()) view.capped = trace.capped.row(query).transpose();
  view.masked = trace.masked.row(query).transpose();
  view.weights = trace.weights.row(query).transpose();
  view.contributions = view.weights.asDiagonal() * problem.v;
  return view;
}

}  // namespace attnlab
