// The GPU backend (OpenGL compute shaders) against the float64 reference and against the CPU, on the
// cases the CPU engine is tested on; its recompute, its output-only kernel and its painted stages.
// Runs on whatever EGL gives, Mesa's llvmpipe in CI: shapes stay small enough for a software GPU.
#include <doctest/doctest.h>
#include <epoxy/gl.h>

#include <limits>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/engine.hpp"
#include "core/attention/heads.hpp"
#include "core/gl/make_backend.hpp"
#include "tests/gpu_or_skip.hpp"
#include "tests/trace_checks.hpp"

using namespace attnlab;
using namespace attnlab::test;

namespace {

// The GPU's trace against the float64 reference, against the CPU's, and its output-only kernel
// against its own full trace.
void check_gpu(Backend& gpu, const Problem& p, const std::string& what) {
  const Trace t = compute_on(gpu, p);
  check_trace(p, t, what);
  CpuBackend cpu;
  const Trace c = compute_on(cpu, p);
  // The two sum Q·Kᵀ in different orders, so they agree only as closely as each agrees with float64.
  check_close(t.weights, to_double(c.weights), 1e-5, 1e-5, what + " weights vs CPU");
  check_close(t.output, to_double(c.output), 1e-5, 1e-5, what + " output vs CPU");
  check_same_output_and_stats(output_only_on(gpu, p), t, what);
}

// The texture's texels, read back: what a window would draw.
std::vector<Rgba> read_texture(GLuint texture, Index rows, Index cols) {
  GLint width = 0, height = 0;
  glBindTexture(GL_TEXTURE_2D, texture);
  glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &width);
  glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_HEIGHT, &height);
  REQUIRE(width == cols);
  REQUIRE(height == rows);
  std::vector<Rgba> texels(static_cast<std::size_t>(rows * cols));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glGetTexImage(GL_TEXTURE_2D, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels.data());
  REQUIRE(glGetError() == GL_NO_ERROR);
  return texels;
}

// The stage painted on the GPU against the CPU colormap of the same values, texel for texel.
void check_painted(gl::GlBackend& gpu, const Matrix& values, Stage stage, const ColormapTable& table, float lo,
                   float hi) {
  const std::vector<Rgba> texels = read_texture(gpu.paint_stage(stage, table, lo, hi), values.rows(), values.cols());
  long wrong = 0, first = -1;
  for (Index i = 0; i < values.rows(); ++i)
    for (Index j = 0; j < values.cols(); ++j)
      if (texels[static_cast<std::size_t>(i * values.cols() + j)] != colormap(values(i, j), lo, hi, table)) {
        if (first < 0) first = static_cast<long>(i * values.cols() + j);
        ++wrong;
      }
  CHECK_MESSAGE(wrong == 0, stage_name(stage) << " over [" << lo << ", " << hi << "]: " << wrong
                                              << " texels differ from the CPU colormap, the first at cell " << first);
}

}  // namespace

TEST_SUITE("gpu/backend") {
  TEST_CASE("every stage matches the float64 reference and the CPU for every shape and mask kind") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    for_each_structural_case([&](const Problem& p, const std::string& what) { check_gpu(*gpu, p, "GPU " + what); });
  }

  TEST_CASE("matrix masks: bool and float, with fully masked rows") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    for_each_matrix_case([&](const Problem& p, const std::string& what) { check_gpu(*gpu, p, "GPU " + what); });
  }

  TEST_CASE("scales: sqrt, none, a number, a negative number, and a temperature") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    for_each_scale_case([&](const Problem& p, const std::string& what) { check_gpu(*gpu, p, "GPU " + what); });
  }

  TEST_CASE("a soft-cap and a sink: every mask kind, full and output-only, against float64 and the CPU") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    for_each_softcap_sink_case([&](const Problem& p, const std::string& what) { check_gpu(*gpu, p, "GPU " + what); });
  }

  TEST_CASE("with a sink, a row that may attend nothing gives it all its weight: zero weights and output") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    Problem p = fully_masked_problem();
    p.sink = -3.0;
    p.softcap = 1.5;
    for (const Trace& t : {compute_on(*gpu, p), output_only_on(*gpu, p)}) {
      check_fully_masked_rows(t);
      for (long i = 0; i < 5; ++i) CHECK(t.stats[i].sink_weight == 1.0f);
    }
  }

  TEST_CASE("a soft-cap turned on, changed and off again by recomputes; its stage painted like the others") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    Problem p = random_problem(40, 50, 16, 6, 13, 2.0f);
    Trace t;
    gpu->compute(p, t);
    CHECK_THROWS_AS(gpu->paint_stage(Stage::capped, diverging(), -1, 1), RunError);
    for (const double c : {3.0, 0.5}) {
      p.softcap = c;
      p.sink = c - 1;
      gpu->recompute_from_scores(p, t);
      check_trace(p, t, "GPU recompute with soft-cap " + std::to_string(c));
      check_painted(*gpu, t.capped, Stage::capped, diverging(), -2, 2);
    }
    p.softcap.reset();
    p.sink.reset();
    gpu->recompute_from_scores(p, t);
    check_trace(p, t, "GPU recompute without a soft-cap again");
    CHECK(t.capped.size() == 0);

    Engine engine(gpu_or_skip());
    engine.set_problem(p);
    engine.set_softcap(2.0);
    engine.set_sink(0.25);
    p.softcap = 2.0;
    p.sink = 0.25;
    check_trace(p, engine.trace(), "GPU engine with a soft-cap and a sink");
  }

  TEST_CASE("fully masked rows give zero weights and zero output, never NaN") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    const Problem p = fully_masked_problem();
    for (const Trace& t : {compute_on(*gpu, p), output_only_on(*gpu, p)}) check_fully_masked_rows(t);
  }

  TEST_CASE("huge unscaled scores do not overflow exp") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    const Problem p = huge_scores_problem();
    const Trace t = compute_on(*gpu, p);
    check_huge_scores(p, t, "GPU huge scores");
    check_same_output_and_stats(output_only_on(*gpu, p), t, "GPU huge scores");
  }

  TEST_CASE("float-mask values near the float32 limit keep every statistic finite") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    // m_old − m_new from the running maximum's start (the lowest float) overflows to -inf here. Query 3
    // splits its attention between two such keys: entropy log 2.
    Problem p = random_problem(20, 40, 8, 4, 15);
    p.mask = float_mask(20, 40);
    p.mask.additive(3, 5) = p.mask.additive(3, 6) = 1e35f;
    p.mask.additive(4, 2) = -1e35f;
    p.mask.additive(6, 1) = 3e37f;
    check_gpu(*gpu, p, "GPU extreme float mask");
    const Trace t = output_only_on(*gpu, p);
    for (const RowStats& s : t.stats) CHECK(std::isfinite(s.entropy + s.jacobian_norm + s.std + s.mean));
  }

  TEST_CASE("the output-only kernel over many key tiles equals the full trace") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    for (const Shape& s : {Shape{129, 1025, 33, 7}, Shape{5, 2000, 8, 8}, Shape{200, 300, 64, 70}}) {
      for (const char* spec : {"none", "causal", "causal-bottom-right", "window:300", "padding:257"}) {
        Problem p = random_problem(s.lq, s.lk, s.dk, s.dv, 21);
        p.mask = parse_mask(spec);
        const std::string what = "GPU " + shape_name(s) + " " + spec;
        const Trace streamed = output_only_on(*gpu, p);
        check_same_output_and_stats(streamed, compute_on(*gpu, p), what);
        CpuBackend cpu;
        check_close(streamed.output, to_double(output_only_on(cpu, p).output), 1e-5, 1e-5, what + " vs CPU");
      }
    }
  }

  TEST_CASE("more query rows than one dispatch may launch workgroups for") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    // The fused pass takes one workgroup per query; past the driver's limit (65535 on llvmpipe) its
    // workgroups step over the rest. A driver with a far larger limit has nothing to show here.
    GLint most = 0;
    glGetIntegeri_v(GL_MAX_COMPUTE_WORK_GROUP_COUNT, 0, &most);
    if (most > 1 << 20) return;
    Problem p = random_problem(most + 7, 2, 1, 1, 12);
    p.mask = parse_mask("causal-bottom-right");
    const Trace t = compute_on(*gpu, p);
    const RefTrace r = reference(p);
    check_close(t.weights, r.weights, 1e-5, 1e-5, "GPU weights past the workgroup limit");
    check_close(t.output, r.output, 1e-5, 1e-5, "GPU output past the workgroup limit");
    for (Index i = most - 2; i < p.lq(); ++i) {
      INFO("query " << i);
      CHECK(t.stats[i].masked_keys == r.stats[i].masked_keys);
      CHECK(t.stats[i].entropy == doctest::Approx(r.stats[i].entropy).epsilon(1e-4).scale(1));
    }
  }

  TEST_CASE("a recompute after a scale or mask change reuses the scores and equals a fresh compute") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    Problem p = random_problem(70, 90, 12, 5, 3);
    Trace t;
    gpu->compute(p, t);
    const float* weights_buffer = t.weights.data();
    for (const char* mask : {"window:4", "file"}) {
      p.scale = parse_scale(mask == std::string("file") ? "-0.4" : "0.7");
      p.mask = mask == std::string("file") ? float_mask(70, 90) : parse_mask(mask);
      gpu->recompute_from_scores(p, t);
      CHECK(t.weights.data() == weights_buffer);
      const Trace fresh = compute_on(*gpu, p);
      CHECK(t.weights == fresh.weights);
      CHECK(t.output == fresh.output);
      check_trace(p, t, std::string("GPU recompute, mask ") + mask);
      // The fresh compute above went into another trace: this one's scores are uploaded again.
      p.mask = parse_mask("causal");
      gpu->recompute_from_scores(p, t);
      check_trace(p, t, "GPU recompute after another trace");
    }
    // A trace the CPU computed: its scores go up to the GPU.
    CpuBackend cpu;
    Trace from_cpu = compute_on(cpu, p);
    p.scale = parse_scale("none");
    gpu->recompute_from_scores(p, from_cpu);
    check_trace(p, from_cpu, "GPU recompute of a CPU trace");
  }

  TEST_CASE("grouped- and multi-query heads: each head on the GPU equals the CPU and the float64 reference") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    // H = 4 query heads over G = 2 KV heads (grouped-query) and over G = 1 (multi-query), Lq ≠ Lk,
    // a structural mask and a float one; one GPU backend runs the heads one after another, as
    // compute_heads does, so heads that share K and V follow each other.
    for (const Index kv_heads : {Index{2}, Index{1}}) {
      HeadsProblem hp;
      for (Index h = 0; h < 4; ++h) hp.q.push_back(random_matrix(40 + h, RandomStream::q, 19, 12, 1));
      for (Index g = 0; g < kv_heads; ++g) {
        hp.k.push_back(random_matrix(50 + g, RandomStream::k, 33, 12, 1));
        hp.v.push_back(random_matrix(50 + g, RandomStream::v, 33, 5, 1));
      }
      hp.mask = kv_heads == 2 ? parse_mask("causal-bottom-right") : float_mask(19, 33);
      CpuBackend cpu;
      const std::vector<Trace> on_gpu = compute_heads(*gpu, hp), on_cpu = compute_heads(cpu, hp);
      REQUIRE(on_gpu.size() == 4);
      REQUIRE(on_cpu.size() == 4);
      for (Index h = 0; h < 4; ++h) {
        const auto n = static_cast<std::size_t>(h);
        const std::string what = "GPU G=" + std::to_string(kv_heads) + " head " + std::to_string(h) + " (KV head " +
                                 std::to_string(kv_head(h, 4, kv_heads)) + ")";
        // The reference reads the head's own Q and the K and V of its KV head.
        check_trace(head_problem(hp, h), on_gpu[n], what);
        check_close(on_gpu[n].weights, to_double(on_cpu[n].weights), 1e-5, 1e-5, what + " weights vs CPU");
        check_close(on_gpu[n].output, to_double(on_cpu[n].output), 1e-5, 1e-5, what + " output vs CPU");
        if (h > 0) CHECK_FALSE(on_gpu[n].weights == on_gpu[n - 1].weights);  // every head its own queries
      }
      check_close(concat_outputs(on_gpu), to_double(concat_outputs(on_cpu)), 1e-5, 1e-5,
                  "GPU concatenated heads vs CPU");
    }
  }

  TEST_CASE("the engine drives the GPU backend like the CPU's") {
    auto gpu = gpu_or_skip();
    if (!gpu) return;
    Engine engine(std::move(gpu));
    check_engine_changes(engine, "GPU engine");
  }

  TEST_CASE("stage times come from the GPU's kernels") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    const Problem p = random_problem(64, 80, 32, 16, 6);
    Trace t;
    StageTimes times;
    times.scaled = times.capped = times.masked = -1;
    gpu->compute(p, t, &times);
    CHECK(times.scores > 0);
    CHECK(times.scaled == 0);  // the fused pass is reported under weights
    CHECK(times.capped == 0);
    CHECK(times.masked == 0);
    CHECK(times.weights > 0);
    CHECK(times.output > 0);
    StageTimes streamed;
    gpu->compute_output_only(p, t, &streamed);
    CHECK(streamed.output > 0);
    CHECK(streamed.scores == 0);
  }

  TEST_CASE("a painted stage equals the CPU colormap texel for texel") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    Problem p = random_problem(37, 53, 16, 21, 8);
    p.mask = float_mask(37, 53);
    Trace t;
    gpu->compute(p, t);
    check_painted(*gpu, t.weights, Stage::weights, viridis(), 0, 1);
    check_painted(*gpu, t.masked, Stage::masked, diverging(), -2, 2);  // -inf cells and values past both ends
    check_painted(*gpu, t.scores, Stage::scores, diverging(), t.scores.minCoeff(), t.scores.maxCoeff());
    check_painted(*gpu, t.output, Stage::output, viridis(), -0.5f, 0.25f);
    check_painted(*gpu, t.scaled, Stage::scaled, viridis(), 1, 1);  // an empty range: the first colour
    // Cells exactly on the edges between entries: the same roundings on both sides.
    p = random_problem(16, 16, 4, 4, 9);
    p.q.setZero();
    Trace edges;
    gpu->compute(p, edges);
    check_painted(*gpu, edges.weights, Stage::weights, viridis(), 0.0625f - 3 / 256.0f, 0.0625f + 5 / 256.0f);

    gpu->compute_output_only(p, t);
    CHECK_THROWS_AS(gpu->paint_stage(Stage::weights, viridis(), 0, 1), RunError);
    check_painted(*gpu, t.output, Stage::output, viridis(), -1, 1);
  }

  TEST_CASE("a backend on a context made elsewhere, as a window's would be") {
    if (!gpu_or_skip()) return;
    gl::EglContext window;  // stands for the GUI's context: current on this thread
    gl::GlBackend gpu(nullptr);
    Problem p = random_problem(20, 30, 8, 4, 13);
    p.mask = parse_mask("window:3");
    check_gpu(gpu, p, "GPU on a current context");
  }

  TEST_CASE("make_backend: gpu starts the GPU, auto takes it only when it is no software rasterizer") {
    const auto gpu = gpu_or_skip();
    if (!gpu) return;
    const BackendChoice chosen = make_backend("gpu");
    CHECK(chosen.backend->name() == "gpu");
    CHECK(chosen.fallback_reason.empty());
    CHECK(chosen.backend->description() == gpu->description());
    // Two backends, each on its own context, taking turns.
    const Problem p = random_problem(10, 12, 4, 3, 14);
    for (Backend* backend : {static_cast<Backend*>(gpu.get()), chosen.backend.get(), static_cast<Backend*>(gpu.get())})
      check_trace(p, compute_on(*backend, p), "GPU backends taking turns");
    const BackendChoice automatic = make_backend("auto");
    if (gl::is_software_renderer(gpu->description())) {
      CHECK(automatic.backend->name() == "cpu");
      CHECK(automatic.fallback_reason.find("software") != std::string::npos);
    } else {
      CHECK(automatic.backend->name() == "gpu");
    }
  }

}  // TEST_SUITE("gpu/backend")
