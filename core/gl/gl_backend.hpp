#pragma once
// The GPU backend: OpenGL 4.3 compute shaders (shaders/*.comp), read back into the same Trace as the
// CPU's. A full compute runs three kernels — Q·Kᵀ, one fused pass per query row for scale, mask,
// softmax and statistics, and P·V — and an output-only compute one (flash.comp) that never stores an
// Lq×Lk matrix. The GPU buffers stay between computes and grow only with the sizes; a scale or mask
// change reuses the scores already on the GPU.
//
// Stage times (StageTimes) come from GL_TIME_ELAPSED queries around each kernel (on a software
// rasterizer, whose queries miss compute work, from the wall time of each kernel run to completion):
// `scores` is the Q·Kᵀ kernel and the upload of Q, K and V before it; the fused pass is reported under
// `weights` (scaled, capped and masked are 0: they are no kernels of their own); `output` is the P·V kernel
// and the read-back of every stage. An output-only compute reports everything under `output`, as the
// CPU does.
#include <epoxy/gl.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/attention/backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/gl/egl_context.hpp"

namespace attnlab::gl {

class KernelTimer;
class StagePainter;

class GlBackend final : public Backend {
 public:
  // On `context`, made current on every call; or, when it is null, on the OpenGL 4.3+ context current
  // on this thread (a GUI's window), which must outlive this backend and be current whenever it is
  // called. Compiles every kernel; throws RunError saying why when one does not build.
  explicit GlBackend(std::unique_ptr<EglContext> context);
  // Its own headless context: what the command line and the tests use.
  static std::unique_ptr<GlBackend> headless();
  ~GlBackend() override;

  std::string name() const override { return "gpu"; }
  std::string description() const override { return renderer_; }
  void compute(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;
  void recompute_from_scores(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;
  void compute_output_only(const Problem& problem, Trace& trace, StageTimes* times = nullptr) override;

  // Paints `stage` of the last compute into an RGBA8 texture through `table` over [lo, hi], masked
  // cells in masked_colour, without reading the stage back: texel (j, i) is cell (i, j), so the first
  // query is the first row of texels. The texture belongs to this backend, which reuses it while the
  // stage's size stays the same. Throws RunError when the last compute did not keep that stage
  // (an output-only compute keeps the output only).
  GLuint paint_stage(Stage stage, const ColormapTable& table, float lo, float hi);

 private:
  struct Kernels;
  struct Buffers;

  void upload(const Problem& problem, bool with_qk);
  void run_after_scores(const Problem& problem, Trace& trace, bool with_scores, StageTimes* times);
  void read_stats(Trace& trace);

  std::unique_ptr<EglContext> context_;  // null on a GUI's context
  std::string renderer_;
  std::unique_ptr<Kernels> kernels_;
  std::unique_ptr<Buffers> buffers_;
  std::unique_ptr<KernelTimer> timer_;
  std::unique_ptr<StagePainter> painter_;
  // What the GPU buffers hold: the sizes of the last compute, whether it kept every stage, and the
  // scores it left in which trace, so a recompute knows whether it may reuse them.
  struct Held {
    Index lq = 0, lk = 0, dv = 0;
    bool full = false, capped = false;
    const Trace* trace = nullptr;
    const float* scores = nullptr;
  } held_;
};

// The renderer of the context current on this thread, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
std::string current_renderer();
// A rasterizer that runs on the CPU (Mesa's llvmpipe, softpipe, swrast): "auto" prefers the CPU
// backend over it.
bool is_software_renderer(std::string_view renderer);

}  // namespace attnlab::gl
