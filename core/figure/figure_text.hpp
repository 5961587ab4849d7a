#pragma once
// What a figure writes in words and numbers: its title, its numbers, its colour bar's ticks.
#include <optional>
#include <string>
#include <vector>

#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {

// "weights = softmax(QKᵀ/√dₖ + mask)": the stage and the formula that made it, as on the board.
std::string figure_title(const Problem& problem, Stage stage);
// "dₖ = 8  ·  scale 1/√8 = 0.354  ·  mask causal  ·  7 queries × 7 keys  ·  query 4 “it” outlined",
// with "soft-cap 30" and "sink 0.5" when the problem has them ("a sink per head" for a grid of heads
// whose sinks differ).
std::string figure_subtitle(const Problem& problem, Stage stage, std::optional<Index> query,
                            bool sink_per_head = false);

// 0.354, 0.25, 12, −1.5: enough digits to tell a setting's value, no trailing zeros, a real minus sign.
std::string short_value(double value);
// "0.80", "−3.2" (a real minus sign), "−∞"; `decimals` digits after the point; never "−0.00".
std::string format_value(float value, int decimals);
// Digits after the point that tell a stage's values apart: 2 for the weights, fewer for large ones.
int value_decimals(Stage stage, float largest_magnitude);
// One format for every cell of a stage, in the window and the figures: none when every finite value
// is whole (scores "9", not "9.00"), else value_decimals of the largest — never "10" beside "0.50".
int cell_decimals(Stage stage, float largest_magnitude, bool whole);
int cell_decimals(Stage stage, const Matrix& values);

struct Tick {
  float value = 0;
  std::string text;
};
// About five round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) within [lo, hi].
std::vector<Tick> nice_ticks(float lo, float hi);

}  // namespace attnlab
