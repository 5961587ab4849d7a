// attnlab sweep: the dk sweep as CSV, one line per dk and scale.
#include <cstdio>

#include "app/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/sweep.hpp"

namespace attnlab::cli {

int run_sweep(const SweepCliOptions& options) {
  SweepOptions o;
  o.dks = parse_dk_list(options.dk);
  o.length = static_cast<Index>(options.length);
  o.trials = options.trials;
  o.seed = options.seed;
  o.sigma = options.sigma;
  check_sweep(o);
  if (options.out.empty()) throw InputError("sweep needs --out FILE.csv");
  std::string csv = "dk,scale,score_std,max_weight,entropy,jacobian_norm\n";
  char line[256];
  for (const SweepPoint& p : sweep(o)) {
    std::snprintf(line, sizeof line, "%lld,%s,%.9g,%.9g,%.9g,%.9g\n", static_cast<long long>(p.dk),
                  p.scaled ? "sqrt" : "none", p.score_std, p.max_weight, p.entropy, p.jacobian_norm);
    csv += line;
  }
  write_file_atomic(options.out, csv);
  return 0;
}

}  // namespace attnlab::cli
