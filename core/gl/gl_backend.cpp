#include "core/gl/gl_backend.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/base/lap.hpp"
#include "core/gl/gl_buffer.hpp"
#include "core/gl/gl_check.hpp"
#include "core/gl/gl_program.hpp"
#include "core/gl/kernel_timer.hpp"
#include "core/gl/shader_source.hpp"
#include "core/gl/stage_painter.hpp"

namespace attnlab::gl {
namespace {

// ProblemBlock of shaders/common.glsl (std140: four-byte scalars in order), padded to a whole vec4.
struct ProblemBlock {
  std::uint32_t lq, lk, dk, dv;
  float scale;
  std::uint32_t mask_kind, mask_param;
  float softcap, sink;
  std::uint32_t has_sink, unused[2];
};
static_assert(sizeof(ProblemBlock) == 48);

// RowStats of shaders/row_stats.glsl (std430).
struct GpuRowStats {
  float mean, std, max_weight, entropy, effective_keys, jacobian_norm, sink_weight;
  std::uint32_t masked_keys, fully_masked;
};
static_assert(sizeof(GpuRowStats) == 36);

std::size_t bytes(const Matrix& m) {
  return sizeof(float) * static_cast<std::size_t>(m.size());
}
std::size_t bytes(Index rows, Index cols) {
  return sizeof(float) * static_cast<std::size_t>(rows * cols);
}

// The kernels index their buffers with 32-bit integers.
void check_indexable(const Problem& p, bool full) {
  const Index largest = std::max({p.lq() * p.dk(), p.lk() * p.dk(), p.lk() * p.dv(), p.lq() * p.dv(),
                                  full || p.mask.kind == MaskSpec::Kind::matrix ? p.lq() * p.lk() : 0});
  if (largest > Index{std::numeric_limits<std::uint32_t>::max()})
    throw RunError("the GPU kernels index at most 2³² − 1 numbers per matrix, and this problem has a matrix of " +
                   std::to_string(largest) + ": use the CPU backend");
}

}  // namespace

struct GlBackend::Kernels {
  Program scores, softmax, output, flash;
  explicit Kernels(const std::string& prelude)
      : scores("scores.comp", prelude),
        softmax("softmax.comp", prelude),
        output("output.comp", prelude),
        flash("flash.comp", prelude) {}
};

struct GlBackend::Buffers {
  Buffer problem, q, k, v, additive, scores, scaled, capped, masked, weights, output, stats;
};

std::string current_renderer() {
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  return renderer ? renderer : "an unnamed OpenGL renderer";
}

bool is_software_renderer(std::string_view renderer) {
  for (std::string_view cpu : {"llvmpipe", "softpipe", "swrast", "Software Rasterizer", "SwiftShader"})
    if (renderer.find(cpu) != std::string_view::npos) return true;
  return false;
}

GlBackend::GlBackend(std::unique_ptr<EglContext> context) : context_(std::move(context)) {
  if (context_) context_->make_current();
  if (epoxy_gl_version() < 43 || epoxy_is_desktop_gl() == 0)
    throw RunError("compute shaders need OpenGL 4.3, and this context has " +
                   std::string(reinterpret_cast<const char*>(glGetString(GL_VERSION))));
  renderer_ = current_renderer();
  kernels_ = std::make_unique<Kernels>(kernel_prelude());
  buffers_ = std::make_unique<Buffers>();
  timer_ = std::make_unique<KernelTimer>(!is_software_renderer(renderer_));
  painter_ = std::make_unique<StagePainter>();
  check_gl("starting the GPU backend");
}

std::unique_ptr<GlBackend> GlBackend::headless() {
  return std::make_unique<GlBackend>(std::make_unique<EglContext>());
}

GlBackend::~GlBackend() {
  // The members' GL objects are freed on this context, which goes last.
  if (context_) context_->make_current();
}

void GlBackend::upload(const Problem& p, bool with_qk) {
  Buffers& b = *buffers_;
  const Index lq = p.lq(), lk = p.lk();
  // A window wider than Lq opens every earlier key, so the parameter never needs more than 32 bits.
  const Index param = std::min(p.mask.param, std::max(lq, lk));
  const auto u32 = [](auto n) { return static_cast<std::uint32_t>(n); };
  const ProblemBlock block{u32(lq),
                           u32(lk),
                           u32(p.dk()),
                           u32(p.dv()),
                           p.effective_scale(),
                           u32(p.mask.kind),
                           u32(param),
                           p.softcap ? static_cast<float>(*p.softcap) : 0.0f,
                           p.sink_logit().value_or(0.0f),
                           p.sink ? 1u : 0u,
                           {0, 0}};
  b.problem.upload(&block, sizeof block);
  b.problem.bind_uniform(0);
  if (with_qk) {
    b.q.upload(p.q.data(), bytes(p.q));
    b.k.upload(p.k.data(), bytes(p.k));
  }
  b.v.upload(p.v.data(), bytes(p.v));
  if (p.mask.kind == MaskSpec::Kind::matrix) b.additive.upload(p.mask.additive.data(), bytes(p.mask.additive));
  else b.additive.reserve(0);  // bound but never read
}

void GlBackend::compute(const Problem& p, Trace& t, StageTimes* times) {
  if (context_) context_->make_current();
  check_indexable(p, true);
  auto clock = Clock::now();
  upload(p, true);
  const double upload_ms = lap(clock);
  Buffers& b = *buffers_;
  b.scores.reserve(bytes(p.lq(), p.lk()));
  b.q.bind_storage(0);
  b.k.bind_storage(1);
  b.scores.bind_storage(2);
  if (times) timer_->begin(KernelTimer::scores);
  kernels_->scores.dispatch(groups(p.lk(), tile), groups(p.lq(), tile));
  if (times) timer_->end(KernelTimer::scores);
  glMemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT);
  run_after_scores(p, t, true, times);
  if (times) times->scores = upload_ms + timer_->ms(KernelTimer::scores);
}

void GlBackend::recompute_from_scores(const Problem& p, Trace& t, StageTimes* times) {
  if (context_) context_->make_current();
  check_indexable(p, true);
  upload(p, false);
  // The scores of the last compute are still on the GPU unless something else ran since.
  const bool held =
      held_.full && held_.trace == &t && held_.scores == t.scores.data() && held_.lq == p.lq() && held_.lk == p.lk();
  if (!held) buffers_->scores.upload(t.scores.data(), bytes(t.scores));
  run_after_scores(p, t, false, times);
}

void GlBackend::run_after_scores(const Problem& p, Trace& t, bool with_scores, StageTimes* times) {
  const Index lq = p.lq(), lk = p.lk(), dv = p.dv();
  const bool cap = p.softcap.has_value();
  Buffers& b = *buffers_;
  for (Buffer* stage : {&b.scaled, &b.masked, &b.weights}) stage->reserve(bytes(lq, lk));
  if (cap) b.capped.reserve(bytes(lq, lk));
  else b.capped.reserve(0);  // bound but never written
  b.output.reserve(bytes(lq, dv));
  b.stats.reserve(sizeof(GpuRowStats) * static_cast<std::size_t>(lq));

  b.scores.bind_storage(0);
  b.additive.bind_storage(1);
  b.scaled.bind_storage(2);
  b.masked.bind_storage(3);
  b.weights.bind_storage(4);
  b.stats.bind_storage(5);
  b.capped.bind_storage(6);
  if (times) timer_->begin(KernelTimer::softmax);
  kernels_->softmax.dispatch(groups(lq, 1));  // one workgroup per query row
  if (times) timer_->end(KernelTimer::softmax);
  glMemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT);

  b.weights.bind_storage(0);
  b.v.bind_storage(1);
  b.output.bind_storage(2);
  if (times) timer_->begin(KernelTimer::output);
  kernels_->output.dispatch(groups(dv, tile), groups(lq, tile));
  if (times) timer_->end(KernelTimer::output);
  glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);

  if (times) glFinish();  // the kernels' time is the timers', not the read-back's
  auto clock = Clock::now();
  t.full = true;
  // resize() keeps the trace's memory when the sizes are unchanged.
  if (with_scores) {
    t.scores.resize(lq, lk);
    b.scores.download(t.scores.data(), bytes(t.scores));
  }
  t.scaled.resize(lq, lk);
  t.capped.resize(cap ? lq : 0, cap ? lk : 0);
  t.masked.resize(lq, lk);
  t.weights.resize(lq, lk);
  t.output.resize(lq, dv);
  b.scaled.download(t.scaled.data(), bytes(t.scaled));
  if (cap) b.capped.download(t.capped.data(), bytes(t.capped));
  b.masked.download(t.masked.data(), bytes(t.masked));
  b.weights.download(t.weights.data(), bytes(t.weights));
  b.output.download(t.output.data(), bytes(t.output));
  read_stats(t);
  held_ = {lq, lk, dv, true, cap, &t, t.scores.data()};
  if (times) *times = {0, 0, 0, 0, timer_->ms(KernelTimer::softmax), timer_->ms(KernelTimer::output) + lap(clock)};
}

void GlBackend::compute_output_only(const Problem& p, Trace& t, StageTimes* times) {
  if (context_) context_->make_current();
  check_indexable(p, false);
  auto start = Clock::now();
  upload(p, true);
  Buffers& b = *buffers_;
  // No Lq×Lk matrix in this mode, on the GPU either.
  for (Buffer* stage : {&b.scores, &b.scaled, &b.capped, &b.masked, &b.weights}) stage->release();
  b.output.reserve(bytes(p.lq(), p.dv()));
  b.stats.reserve(sizeof(GpuRowStats) * static_cast<std::size_t>(p.lq()));
  b.q.bind_storage(0);
  b.k.bind_storage(1);
  b.v.bind_storage(2);
  b.additive.bind_storage(3);
  b.output.bind_storage(4);
  b.stats.bind_storage(5);
  kernels_->flash.dispatch(groups(p.lq(), tile));
  glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);

  t = Trace{};  // frees any Lq×Lk matrices a full compute left
  t.full = false;
  t.output.resize(p.lq(), p.dv());
  b.output.download(t.output.data(), bytes(t.output));
  read_stats(t);
  held_ = {p.lq(), p.lk(), p.dv(), false, false, nullptr, nullptr};
  if (times) *times = StageTimes{0, 0, 0, 0, 0, lap(start)};
}

void GlBackend::read_stats(Trace& t) {
  std::vector<GpuRowStats> rows(static_cast<std::size_t>(t.output.rows()));
  buffers_->stats.download(rows.data(), sizeof(GpuRowStats) * rows.size());
  t.stats.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const GpuRowStats& g = rows[i];
    t.stats[i] = {g.mean,          g.std,         g.max_weight,  g.entropy,           g.effective_keys,
                  g.jacobian_norm, g.sink_weight, g.masked_keys, g.fully_masked != 0, false};
  }
}

GLuint GlBackend::paint_stage(Stage stage, const ColormapTable& table, float lo, float hi) {
  if (context_) context_->make_current();
  if (held_.lq == 0 || (!held_.full && stage != Stage::output) || (stage == Stage::capped && !held_.capped))
    throw RunError("the " + std::string(stage_name(stage)) + " stage is not on the GPU: " +
                   (held_.lq == 0 ? "nothing was computed yet"
                    : !held_.full ? "the last compute was output-only"
                                  : "the last compute had no soft-cap"));
  const Buffers& b = *buffers_;
  const Buffer* stages[] = {&b.scores, &b.scaled, &b.capped, &b.masked, &b.weights, &b.output};
  return painter_->paint(*stages[static_cast<int>(stage)], held_.lq, stage == Stage::output ? held_.dv : held_.lk,
                         table, lo, hi);
}

}  // namespace attnlab::gl
