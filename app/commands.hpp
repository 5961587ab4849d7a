#pragma once
// One function per subcommand; each returns the exit status and throws InputError (status 2) or
// anything else (status 1) on failure.
#include <cstdint>
#include <optional>
#include <string>

#include "core/inputs/input.hpp"

namespace attnlab::cli {

// The precision lab's options of compute and export, as given; checked by precision_mode().
struct PrecisionOptions {
  std::string precision = "fp32";  // fp32 | fp16 | bf16
  bool no_max_subtraction = false;
  std::string mask_value;  // empty: masked cells are -inf
};

struct ComputeOptions {
  std::string backend = "auto";
  PrecisionOptions precision;
  std::string dump;  // directory for the five stages and stats.csv
  bool print = false;
};
int run_compute(const InputOptions& input, const ComputeOptions& options);

struct BenchOptions {
  std::string backend = "auto";
  int repeat = 10;
  std::string stages = "all";     // all | output
  std::string after;              // "", scale, mask, query
  std::optional<long long> tile;  // keys per tile of the output-only mode; only with --stages output
  bool json = false;
};
int run_bench(const InputOptions& input, const BenchOptions& options);

struct ExportOptions {
  std::string backend = "auto";
  PrecisionOptions precision;
  std::string stage;     // required: scores, scaled, masked, weights or output
  std::string out;       // FILE.png or FILE.svg
  std::string colormap;  // empty: the stage's default
  // Unset unless given, so that a value given where it does not apply is an error, not ignored.
  std::optional<long long> query, width, cell_px;
  std::optional<std::string> head;  // a head number or "all"
  bool plain = false;
  bool stretch = false;               // weights over [0, the largest weight], as the window's "stretch colours"
  std::optional<std::string> range;   // "shared" or "LO:HI"
  std::optional<std::string> aspect;  // "W:H": the figure's width over its height, for a slide
};
int run_export(const InputOptions& input, const ExportOptions& options);

struct SweepCliOptions {
  std::string dk;  // "A:B" or "a,b,c"
  long long length = 32;
  int trials = 64;
  std::uint64_t seed = 0;
  double sigma = 1.0;
  std::string out;
  std::string plot;                // FILE.png or FILE.svg: the four plots as a figure, beside the CSV
  std::optional<long long> width;  // of the figure; only with --plot
};
int run_sweep(const SweepCliOptions& options);

struct GuiOptions {
  std::string backend = "auto";
  PrecisionOptions precision;
  int query = 0;
  int head = 0;
  std::string stage = "scores";
  float font_scale = 1.0f;
  bool present = false;
  std::string theme;  // light | dark; empty: as last time (dark at first)
  int frames = 0;
  std::string screenshot;
  std::string actions;        // comma-separated, one per frame
  std::string layout_report;  // with frames: every frame's layout as JSON, for the layout tests
  std::string export_dir;
  int width = 1600, height = 900;
  bool remember = false;     // with --frames: restore the last state and save it at exit all the same
  bool input_given = false;  // any INPUT option: then the state of the last run is not restored
};
int run_gui(const InputOptions& input, const GuiOptions& options);

}  // namespace attnlab::cli
