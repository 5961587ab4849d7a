// The app's heads without a window: the head selector, H and G, the grid's thumbnails, and the
// dk slider going back to the source's own columns.
#include <doctest/doctest.h>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_grids.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/settings_file.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/inputs/example_heads.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/input.hpp"
#include "tests/check.hpp"

using namespace attnlab;
using namespace attnlab::gui;
using attnlab::test::check_equal;

namespace {

void begin(AppState& app, Settings settings = {}) {
  app.settings = settings;
  start(app, std::make_unique<CpuBackend>());
}

Settings random_heads(int heads, int kv_heads) {
  Settings s;
  s.source = Source::random, s.lq = 6, s.lk = 9, s.dk = 16, s.dv = 4, s.seed = 5;
  s.heads = heads, s.kv_heads = kv_heads;
  return s;
}

// What `attnlab compute --random --heads H --kv-heads G` computes for these settings.
std::vector<Trace> cli_heads(const Settings& s) {
  InputOptions in;
  in.random = true, in.lq = s.lq, in.lk = s.lk, in.dk = s.dk, in.dv = s.dv, in.seed = s.seed;
  in.heads = s.heads, in.kv_heads = s.kv_heads, in.mask = s.mask;
  CpuBackend cpu;
  return compute_heads(cpu, load_heads_problem(in));
}

}  // namespace

TEST_SUITE("app/heads") {
  TEST_CASE("the head selector shows each head's own attention, and the grid holds every head") {
    AppState app;
    Settings s = random_heads(4, 2);
    s.mask = "causal";
    begin(app, s);
    const std::vector<Trace> expected = cli_heads(s);
    REQUIRE(app.heads.heads() == 4);
    REQUIRE(app.heads.kv_heads() == 2);
    check_equal(app.trace().weights, expected[0].weights, "head 0");
    for (int h = 1; h < 4; ++h) {
      act(app, Action::next_head);
      REQUIRE(app.settings.head == h);
      check_equal(app.trace().weights, expected[static_cast<std::size_t>(h)].weights, "head " + std::to_string(h));
      check_equal(app.problem().k, app.heads.k[static_cast<std::size_t>(h * 2 / 4)], "the KV head it reads");
    }
    act(app, Action::next_head);
    CHECK(app.settings.head == 3);  // no head past the last
    const AppState::HeadGrid& grid = head_grid(app);
    REQUIRE(grid.weights.size() == 4);
    for (std::size_t h = 0; h < 4; ++h)
      check_equal(grid.weights[h], expected[h].weights, "grid head " + std::to_string(h));
    CHECK(std::isinf(grid.masked(0, 1)));  // causal: query 0 may not see key 1
    CHECK(grid.masked(1, 0) == 0.0f);

    // A mask change reaches every head, not only the one on screen.
    app.settings.mask = "window:2";
    apply(app);
    s.mask = "window:2";
    const std::vector<Trace> windowed = cli_heads(s);
    const AppState::HeadGrid& after = head_grid(app);
    for (std::size_t h = 0; h < 4; ++h)
      check_equal(after.weights[h], windowed[h].weights, "windowed head " + std::to_string(h));
  }

  TEST_CASE("fewer heads keep the selected head in range; G follows the divisors of H") {
    AppState app;
    Settings s = random_heads(8, 4);
    s.head = 7;
    begin(app, s);
    CHECK(app.settings.head == 7);
    CHECK(kv_head(7, 8, 4) == 3);
    app.settings.heads = 2, app.settings.kv_heads = 1;
    apply(app);
    CHECK(app.error.empty());
    CHECK(app.settings.head == 1);
    CHECK(app.heads.kv_heads() == 1);
    // A scenario with a G that does not divide H: refused, the last good heads kept.
    app.settings.heads = 6, app.settings.kv_heads = 4;
    apply(app);
    CHECK(app.error.find("does not divide") != std::string::npos);
    CHECK(app.heads.heads() == 2);
  }

  TEST_CASE("large heads are thumbnailed as block means") {
    AppState app;
    Settings s = random_heads(2, 1);
    s.lq = 300, s.lk = 260;
    begin(app, s);
    const AppState::HeadGrid& grid = head_grid(app);
    REQUIRE(grid.weights[1].rows() == 128);
    REQUIRE(grid.weights[1].cols() == 128);
    const std::vector<Trace> expected = cli_heads(s);
    // Thumbnail cell (r, c) is the mean of the weights whose rows i and columns j map to it.
    double sum = 0;
    int count = 0;
    for (Index i = 0; i < 300; ++i)
      for (Index j = 0; j < 260; ++j)
        if (i * 128 / 300 == 5 && j * 128 / 260 == 9) sum += expected[1].weights(i, j), ++count;
    CHECK(grid.weights[1](5, 9) == doctest::Approx(sum / count).epsilon(1e-5));
  }

  TEST_CASE("the sentence's heads, and dk down and up again gives the sentence back") {
    AppState app;
    Settings s;
    s.heads = 4, s.kv_heads = 4;
    begin(app, s);
    const HeadsProblem designed = example_heads("sentence", 4, 4);
    for (std::size_t h = 0; h < 4; ++h) check_equal(app.heads.q[h], designed.q[h], "Q head " + std::to_string(h));
    act(app, Action::dk_down);
    act(app, Action::dk_down);
    CHECK(app.problem().dk() == 2);
    act(app, Action::dk_up);
    act(app, Action::dk_up);
    check_equal(app.problem().q, make_example("sentence").problem.q, "the sentence's queries after dk 8 → 2 → 8");
    check_equal(app.heads.k[3], designed.k[3], "head 3's keys after dk 8 → 2 → 8");
  }

  TEST_CASE("heads settings round-trip through a scenario") {
    Settings s = random_heads(8, 2);
    s.head = 3, s.context = 32768, s.layers = 48;
    const Settings back = settings_from_json(to_json(s), "test");
    CHECK(back.heads == 8);
    CHECK(back.kv_heads == 2);
    CHECK(back.head == 3);
    CHECK(back.context == 32768);
    CHECK(back.layers == 48);
  }
}  // TEST_SUITE("app/heads")
