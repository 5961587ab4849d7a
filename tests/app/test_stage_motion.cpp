// A change of stage moving (app/gui/stage_motion.hpp): when a motion starts, stops and jumps, and the
// values between two stages against a float64 reference of the sentence example under a causal mask —
// the old stage exactly at the start, the new one exactly at the end, between them in between, the
// masked cells keeping their number while they fade to the grey.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/stage_motion.hpp"
#include "core/attention/cpu_backend.hpp"

using namespace attnlab;
using namespace attnlab::gui;

namespace {

// The sentence example under a causal mask, its four lesson stages in float64, computed here.
struct Reference {
  std::vector<std::vector<double>> scores, scaled, masked, weights;
};
Reference reference(const Problem& p) {
  const Index lq = p.q.rows(), lk = p.k.rows();
  const double s = 1 / std::sqrt(static_cast<double>(p.dk()));
  Reference r;
  for (auto* m : {&r.scores, &r.scaled, &r.masked, &r.weights}) m->assign(lq, std::vector<double>(lk));
  for (Index i = 0; i < lq; ++i) {
    double top = -INFINITY, sum = 0;
    for (Index j = 0; j < lk; ++j) {
      double dot = 0;
      for (Index d = 0; d < p.dk(); ++d) dot += static_cast<double>(p.q(i, d)) * p.k(j, d);
      r.scores[i][j] = dot, r.scaled[i][j] = dot * s;
      r.masked[i][j] = j > i ? -INFINITY : dot * s;
      top = std::max(top, r.masked[i][j]);
    }
    for (Index j = 0; j < lk; ++j) sum += std::exp(r.masked[i][j] - top);
    for (Index j = 0; j < lk; ++j) r.weights[i][j] = std::exp(r.masked[i][j] - top) / sum;
  }
  return r;
}

const std::vector<std::vector<double>>& of(const Reference& r, Stage stage) {
  return stage == Stage::scores ? r.scores : stage == Stage::scaled ? r.scaled : stage == Stage::masked ? r.masked
                                                                                                        : r.weights;
}

bool masked_in(Stage stage, Index i, Index j) {
  return (stage == Stage::masked || stage == Stage::weights) && j > i;
}

void begin_causal(AppState& app) {
  app.settings.mask = "causal";
  start(app, std::make_unique<CpuBackend>());
}

// Bit for bit: -0 and +0 differ, NaN equals itself.
bool same_bits(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_SUITE("app/motion") {
  TEST_CASE("the easing starts and ends still, and only rises") {
    CHECK(ease_in_out(0) == 0);
    CHECK(ease_in_out(1) == 1);
    CHECK(ease_in_out(0.5f) == doctest::Approx(0.5));
    CHECK(ease_in_out(0.1f) < 0.1f);  // slow at the start
    CHECK(ease_in_out(0.9f) > 0.9f);  // and at the end
    float last = 0;
    for (int k = 1; k <= 100; ++k) {
      const float e = ease_in_out(static_cast<float>(k) / 100);
      CHECK(e >= last);
      last = e;
    }
  }

  TEST_CASE("a change of stage moves for 0.4 s; a change during it jumps; no motion when off, on new data, for the output") {
    StageMotion m;
    follow_stage(m, Stage::scores, 1, true, 64);
    CHECK_FALSE(m.moving());
    follow_stage(m, Stage::scaled, 1, true, 64);
    CHECK(m.moving());
    CHECK(m.from == Stage::scores);
    CHECK(m.to == Stage::scaled);
    CHECK(m.progress() == 0);
    // 24 frames of a 60th of a second: the 24th is the stage still.
    for (int frame = 1; frame < 24; ++frame) {
      advance(m, 1.0 / 60);
      CHECK(m.moving());
      CHECK(m.progress() > 0);
      CHECK(m.progress() < 1);
    }
    advance(m, 1.0 / 60);
    CHECK_FALSE(m.moving());
    CHECK(m.progress() == 1);
    // Back: the reverse motion.
    follow_stage(m, Stage::scores, 1, true, 64);
    CHECK(m.from == Stage::scaled);
    CHECK(m.to == Stage::scores);
    CHECK(m.moving());
    // Another key before it ends: that stage at once, no motion queued.
    advance(m, 0.1);
    follow_stage(m, Stage::scaled, 1, true, 64);
    CHECK_FALSE(m.moving());
    CHECK(m.to == Stage::scaled);
    follow_stage(m, Stage::masked, 1, true, 64);
    CHECK(m.moving());
    // New data (another mask, dₖ) during a motion: the new data still.
    follow_stage(m, Stage::masked, 2, true, 64);
    CHECK_FALSE(m.moving());
    // Motion off: every change at once, and a motion under way stops.
    follow_stage(m, Stage::weights, 2, false, 64);
    CHECK_FALSE(m.moving());
    follow_stage(m, Stage::masked, 2, true, 64);
    REQUIRE(m.moving());
    follow_stage(m, Stage::masked, 2, false, 64);
    CHECK_FALSE(m.moving());
    // The output has another shape; a problem too large to repaint each frame changes at once.
    follow_stage(m, Stage::output, 2, true, 64);
    CHECK_FALSE(m.moving());
    follow_stage(m, Stage::weights, 2, true, 64);
    CHECK_FALSE(m.moving());
    follow_stage(m, Stage::masked, 2, true, stage_motion_cells + 1);
    CHECK_FALSE(m.moving());
  }

  TEST_CASE("wait-motion and a frame's tick end or advance the motion the window follows") {
    AppState app;
    begin_causal(app);
    follow_stage(app.motion, app.settings.stage, app.generation, true, 64);
    act(app, Action::next_stage);
    follow_stage(app.motion, app.settings.stage, app.generation, true, 64);
    REQUIRE(app.motion.moving());
    tick(app, 0.2);
    CHECK(app.motion.moving());
    CHECK(app.motion.progress() == doctest::Approx(0.5));
    act(app, Action::wait_motion);
    CHECK_FALSE(app.motion.moving());
    CHECK(app.settings.motion);
    act(app, Action::toggle_motion);
    CHECK_FALSE(app.settings.motion);
  }

  TEST_CASE("the values between two stages: the old exactly at 0, the new exactly at 1, in between between") {
    AppState app;
    begin_causal(app);
    const Trace& t = app.trace();
    const Reference r = reference(app.problem());
    const Index lq = t.scores.rows(), lk = t.scores.cols();
    const std::vector<std::pair<Stage, Stage>> changes{{Stage::scores, Stage::scaled}, {Stage::scaled, Stage::masked},
                                                        {Stage::masked, Stage::weights}, {Stage::scores, Stage::weights}};
    for (auto [a, b] : changes)
      for (const bool back : {false, true}) {
        const Stage from = back ? b : a, to = back ? a : b;
        CAPTURE(stage_name(from));
        CAPTURE(stage_name(to));
        const Between start = stages_between(t, from, to, 0), end = stages_between(t, from, to, 1);
        for (Index i = 0; i < lq; ++i)
          for (Index j = 0; j < lk; ++j) {
            CAPTURE(i);
            CAPTURE(j);
            CHECK(same_bits(start.values(i, j), t.stage(from)(i, j)));
            CHECK(same_bits(end.values(i, j), t.stage(to)(i, j)));
            CHECK(start.grey(i, j) == (masked_in(from, i, j) ? 1 : 0));
            CHECK(end.grey(i, j) == (masked_in(to, i, j) ? 1 : 0));
          }
        for (const float e : {0.25f, 0.5f, 0.75f}) {
          const Between mid = stages_between(t, from, to, e);
          const Between row = row_between(t, from, to, 4, e);
          for (Index i = 0; i < lq; ++i)
            for (Index j = 0; j < lk; ++j) {
              CAPTURE(i);
              CAPTURE(j);
              CAPTURE(e);
              const double x = of(r, from)[i][j], y = of(r, to)[i][j];
              const float v = mid.values(i, j), g = mid.grey(i, j);
              if (i == 4) CHECK(same_bits(row.values(0, j), v));
              if (masked_in(from, i, j) && masked_in(to, i, j)) {
                CHECK(g == 1);  // grey throughout: −∞ has no value between
              } else if (masked_in(to, i, j)) {
                CHECK(v == doctest::Approx(x).epsilon(1e-5));  // the mask arriving: its number stays …
                CHECK(g == e);                                // … and it fades to the grey
              } else if (masked_in(from, i, j)) {
                CHECK(v == doctest::Approx(y).epsilon(1e-5));
                CHECK(g == doctest::Approx(1 - e));
              } else {
                CHECK(g == 0);
                CHECK(v == doctest::Approx((1 - e) * x + e * y).epsilon(1e-5).scale(1));
                if (std::abs(x - y) > 1e-3) {
                  CHECK(v > std::min(x, y));
                  CHECK(v < std::max(x, y));
                }
              }
            }
        }
      }
  }

  TEST_CASE("the pixels between two stages: each stage's own texture at 0 and 1, other colours between") {
    AppState app;
    begin_causal(app);
    const Trace& t = app.trace();
    for (auto [from, to] : std::vector<std::pair<Stage, Stage>>{
             {Stage::scores, Stage::scaled}, {Stage::scaled, Stage::masked}, {Stage::masked, Stage::weights},
             {Stage::weights, Stage::masked}, {Stage::masked, Stage::scaled}}) {
      CAPTURE(stage_name(from));
      CAPTURE(stage_name(to));
      const ColourRange rf = colours_of(app, from), rt = colours_of(app, to);
      const auto still = [&](Stage s, const ColourRange& range) {
        const bool grey = s == Stage::masked || s == Stage::weights;
        return paint(t.stage(s), grey ? t.masked : t.stage(s), range, stage_table(s));
      };
      const auto between = [&](float e) {
        return paint_between(stages_between(t, from, to, e), range_between(rf, rt, e), stage_table(from),
                             stage_table(to), e);
      };
      CHECK(between(0) == still(from, rf));
      CHECK(between(1) == still(to, rt));
      const std::vector<std::uint32_t> mid = between(0.5f);
      // Scores to scaled: values and range shrink by the same factor, so the colours stay and the
      // numbers and the colour bar move (with "same colours" ticked the colours fade: below).
      if (from != Stage::scores) {
        CHECK(mid != still(from, rf));
        CHECK(mid != still(to, rt));
      }
      // A cell the mask arrives at (or leaves) half way: half its colour, half the grey.
      const Index lk = t.scores.cols();
      if (masked_in(to, 0, 5) != masked_in(from, 0, 5)) {
        const std::uint32_t grey = packed(masked_colour);
        CHECK(mid[5] != grey);
        CHECK(mid[5] != still(from, rf)[5]);
        CHECK(mid[5] != still(to, rt)[5]);
        CHECK(mid[static_cast<std::size_t>(lk + 0)] != grey);  // unmasked in every stage: not grey
      }
    }
    const ColourRange half = range_between(colours_of(app, Stage::scores), colours_of(app, Stage::scaled), 0.5f);
    CHECK(half.hi < colours_of(app, Stage::scores).hi);
    CHECK(half.hi > colours_of(app, Stage::scaled).hi);
    // One range for scores and scaled: the colours fade half way, and the range stays.
    app.settings.shared_range = true;
    const ColourRange shared = colours_of(app, Stage::scores);
    REQUIRE(shared.hi == colours_of(app, Stage::scaled).hi);
    const std::vector<std::uint32_t> scores =
        paint_between(stages_between(t, Stage::scores, Stage::scaled, 0), shared, diverging(), diverging(), 0);
    const std::vector<std::uint32_t> mid =
        paint_between(stages_between(t, Stage::scores, Stage::scaled, 0.5f), shared, diverging(), diverging(), 0.5f);
    const std::vector<std::uint32_t> scaled =
        paint_between(stages_between(t, Stage::scores, Stage::scaled, 1), shared, diverging(), diverging(), 1);
    CHECK(mid != scores);
    CHECK(mid != scaled);
  }
}
