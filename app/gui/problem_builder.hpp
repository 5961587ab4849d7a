#pragma once
// The problem the settings describe: the source loaded at its own width (an example, random inputs,
// files or a model's layer), then every head built from it with the settings' dk, mask, scale and
// precision; and the memory the window would need for it, refused up front.
#include "app/gui/model_source.hpp"
#include "app/gui/settings.hpp"
#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"

namespace attnlab::gui {

// The inputs as the source gives them, every head at the source's own width (no mask, scale, ...);
// a model's from its run in `model`.
HeadsProblem load_source(const Settings& settings, const LoadedModel& model);
// Every head these settings describe, from the source already loaded; throws InputError naming
// what is wrong.
HeadsProblem build_heads(const Settings& settings, const HeadsProblem& source);
// Throws InputError when the window with these settings on a problem of these sizes would need
// more memory than it may use (the source, every head, the trace, the heads' grid, the textures).
void check_window_memory(const Settings& settings, const RunSizes& sizes);

}  // namespace attnlab::gui
