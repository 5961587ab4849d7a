#pragma once
// Every frame's time, and which frames were drawn while a token was being generated and which one
// took a new token in: `attnlab --frames N --live --frame-report FILE.json` writes it, so that the
// window's frame budget while generating (issue: no frame over 50 ms) can be measured in a live window.
#include <string>
#include <vector>

namespace attnlab::gui {

struct FrameReport {
  struct Frame {
    double ms = 0;       // from the frame's start to its draw data rendered (CPU), before the swap
    double swap_ms = 0;  // the buffer swap (with a software GL, the rasterising)
    bool generating = false;  // a token was being made, on the worker or in this frame
    bool landed = false;      // this frame took a new token into the sentence (or took one back)
    long long tokens = 0;     // the sentence's tokens shown after the frame (0 without a model)
  };
  bool live = false;
  int width = 0, height = 0;
  std::vector<Frame> frames;

  std::string json() const;
};

}  // namespace attnlab::gui
