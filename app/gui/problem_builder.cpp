#include "app/gui/problem_builder.hpp"

#include "core/base/error.hpp"
#include "core/base/memory.hpp"
#include "core/inputs/input.hpp"
#include "core/inputs/resize.hpp"

namespace attnlab::gui {

void check_window_memory(const Settings& s, const RunSizes& sizes) {
  MemoryPlan plan;
  plan.sizes = sizes;
  if (s.dk > 0) plan.sizes.dk = s.dk;
  plan.every_head = false;  // the engine computes the selected head; the grid one other at a time
  plan.precision_lab = s.precision != Precision::fp32 || !s.subtract_max || s.mask_value != "-inf";
  plan.gpu = s.backend == BackendName::gpu;
  // The heatmap's pixels and its texture (which Mesa keeps in host memory), and the heads grid's
  // trace of another head; the source's own copy of every head besides the heads built from it;
  // the window itself, measured at 123 MiB with its fonts and llvmpipe, beyond the program's 32.
  plan.extra_lq_lk = 2 + 4;
  plan.extra_bytes = inputs_bytes(plan.sizes) + (std::uint64_t{160} << 20);
  check_memory(peak_bytes(plan), "the window with " + describe(plan.sizes),
               ": fewer queries or keys, or bench --stages output for the output alone");
}

HeadsProblem load_source(const Settings& s, const LoadedModel& model) {
  InputOptions in;
  switch (s.source) {
    case Source::files:
      in.q = s.q_path, in.k = s.k_path, in.v = s.v_path;
      if (in.q.empty() || in.k.empty() || in.v.empty()) throw InputError("choose the Q, K and V files");
      if (s.heads > 1) in.heads = s.heads, in.kv_heads = s.kv_heads;  // cut model-width files into heads
      break;
    case Source::random:
      in.random = true;
      in.lq = s.lq, in.lk = s.lk, in.dv = s.dv, in.seed = s.seed, in.sigma = s.sigma;
      in.heads = s.heads, in.kv_heads = s.kv_heads;
      break;
    case Source::example:
      in.example = s.example;
      in.heads = s.heads, in.kv_heads = s.kv_heads;
      break;
    case Source::model: return model_source(s, model);
  }
  // Refused before any input exists when the sizes are known, otherwise once the files are read.
  if (const auto sizes = planned_sizes(in)) check_window_memory(s, *sizes);
  HeadsProblem source = load_heads_problem(in);
  check_window_memory(s, sizes_of(source));
  return source;
}

HeadsProblem build_heads(const Settings& s, const HeadsProblem& source) {
  // Always from the source: dk down and up again brings back the source's own columns.
  HeadsProblem hp = s.dk > 0 ? with_dk(source, s.dk, s.seed, s.sigma) : source;
  hp.mask = build_mask(s, hp.q.front().rows(), hp.k.front().rows());
  hp.scale = build_scale(s);
  hp.temperature = s.temperature;
  hp.softcap = build_softcap(s);  // the box decides, over a model's own cap too (own_softcap)
  if (s.sink_on) hp.sinks = build_sinks(s);
  hp.precision = build_precision(s);
  validate_heads(hp);
  return hp;
}

}  // namespace attnlab::gui
