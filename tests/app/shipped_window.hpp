#pragma once
// The window's state started on the shipped induction model, as `attnlab gui --model
// assets/models/induction --text T [--ablate A]` starts it, on the CPU backend.
#include <memory>
#include <string>

#include "app/gui/app_state.hpp"
#include "app/gui/model_source.hpp"
#include "core/attention/cpu_backend.hpp"
#include "tests/app/shipped_model.hpp"

namespace shipped_test {

inline void start_on(attnlab::gui::AppState& app, const std::string& text, const std::string& ablate = {}) {
  attnlab::InputOptions in;
  in.model = kModel.string();
  in.tokens.text = text;
  if (!ablate.empty()) in.ablate = ablate;
  app.model = attnlab::gui::start_on_model(in, app.settings);
  attnlab::gui::start(app, std::make_unique<attnlab::CpuBackend>());
}

}  // namespace shipped_test
