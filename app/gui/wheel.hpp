#pragma once
// A browser's wheel as GLFW's: emscripten's GLFW hands the scroll callback the DOM event's raw deltaX
// and deltaY (±100 pixels a notch in Chromium, positive downwards), where a desktop GLFW gives ±1 a
// notch, positive upwards. One notch must be one step of zoom, as on the desktop, never ten.
#include <algorithm>

namespace attnlab::gui {

struct WheelSteps {
  double x = 0, y = 0;
};

// A DOM wheel event's deltas in notches, GLFW's way up: 100 pixels a notch, at most one a call
// (a fast flick comes as several events); a trackpad's few pixels are a fraction of one.
inline WheelSteps wheel_from_browser(double delta_x, double delta_y) {
  const auto steps = [](double pixels) { return std::clamp(-pixels / 100, -1.0, 1.0); };
  return {steps(delta_x), steps(delta_y)};
}

}  // namespace attnlab::gui
