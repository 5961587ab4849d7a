#pragma once
// Generation's frame side (generation_job.hpp): each frame lands the token the worker has made (the
// sentence, the query on the new token, one step of the undo history) and starts the next one that
// G or Shift+G still wants; on the desktop a step runs on the worker while the frames go on, a web
// page (one thread) makes a token a layer at a time, as many layers in a frame as its budget
// (platform::frame_budget_ms) allows, and a scripted run waits for every one.
#include <optional>
#include <string>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// Once per frame, before apply().
void follow_generation(AppState& app);

// The newest generated token's query row while the sentence shown ends with it (until the next token
// or an undo), for the views to mark.
std::optional<Index> newest_row(const AppState& app);

// "generating token 3 of 16 …" while tokens are being made (a page's: "…: layer 7 of 12 …"), else empty.
std::string generation_progress(const AppState& app);

}  // namespace attnlab::gui
