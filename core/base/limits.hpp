#pragma once
// The limits of every size and count a user can give. The command line, the window's remembered
// state and scenario files all check against these same numbers, so that what one front end takes
// the others take too, no number wraps on its way into an int, and no loop or buffer is unbounded.
// Whether a problem within them fits in memory is the memory estimate's question (core/attention).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/error.hpp"

namespace attnlab::limits {

// An inclusive range of whole numbers.
struct Range {
  std::int64_t lo, hi;
  constexpr bool contains(std::int64_t value) const { return lo <= value && value <= hi; }
};

// Lq, Lk, dk, dv: one side of a matrix. 2³⁰ fits the window's int, and a product of two sizes
// times a float's 4 bytes stays far inside 64 bits.
inline constexpr Range size{1, std::int64_t{1} << 30};
// H query heads and G KV heads: large models have 128; more is a typing mistake.
inline constexpr Range heads{1, 4096};
// bench --repeat: the median of up to a thousand runs; more only takes longer.
inline constexpr Range repeat{1, 1000};
// The window's --width and --height in pixels: the panels' smallest layout up to an 8K screen.
inline constexpr Range window_side{320, 8192};
// --frames of a scripted window run (0: an ordinary run until closed).
inline constexpr Range frames{0, 100000};
// The window's text size.
inline constexpr double font_scale_lo = 0.5, font_scale_hi = 4;
// The window's KV-cache readout: context tokens and layers.
inline constexpr Range context{1, 1 << 20};
inline constexpr Range layers{1, 1024};

// A model's config.json: the vocabulary, and any one width of a layer (hidden, intermediate, heads ×
// head_dim): generous for every real model (Llama 3.1 405B's MLP is 53248 wide, Gemma's vocabulary
// 262144 tokens), and small enough that no product of sizes wraps on its way to an allocation. Its
// layers are `layers`, its heads `heads`, its positions and sliding window `size`.
inline constexpr Range model_vocab{1, std::int64_t{1} << 24};
inline constexpr Range model_width{1, std::int64_t{1} << 20};

// The dk sweep: each dk, L = Lq = Lk, the trials per dk, and how many dks one list may hold.
inline constexpr Range sweep_dk{1, 65536};
inline constexpr Range sweep_length{1, 4096};
inline constexpr Range sweep_trials{1, 100000};
inline constexpr std::size_t sweep_dks = 64;
// A sweep's work, 2·L²·dk multiply-adds per trial and dk plus the random draws, is refused above
// this: about a minute on two cores, where a mistyped --trials would otherwise run for days.
inline constexpr double sweep_flops = 2e12;

// Text that a settings file keeps (paths, names, specs), in bytes: a path's most on Linux.
inline constexpr std::size_t text_bytes = 4096;

// "<name> <value> is out of range: <lo> to <hi>"
inline std::string out_of_range(std::string_view name, std::string_view value, Range range) {
  return std::string(name) + " " + std::string(value) + " is out of range: " + std::to_string(range.lo) + " to " +
         std::to_string(range.hi);
}

// Throws InputError unless `value` is inside `range`.
inline void check(std::string_view name, std::int64_t value, Range range) {
  if (!range.contains(value)) throw InputError(out_of_range(name, std::to_string(value), range));
}

}  // namespace attnlab::limits
