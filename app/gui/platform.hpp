#pragma once
// Where the desktop window and the web page differ, in one place: the window and its GL context, the
// backend the window can run, the main loop, and files (exports, the state kept between visits, files the
// user picks). platform_desktop.cpp is the GLFW window on a desktop; platform_web.cpp the page's canvas.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/attention/backend.hpp"

struct GLFWwindow;

namespace attnlab::gui::platform {

// A window with a GL context that draws ImGui; `version` names the context, e.g. "OpenGL 4.3".
GLFWwindow* open_window(int width, int height, std::string& version);
// The GLSL version line ImGui's renderer compiles its shaders with.
const char* glsl_version();
// The backend `name` (auto, cpu, gpu) on this window, else the CPU with the reason in `why`.
std::unique_ptr<Backend> window_backend(const std::string& name, const std::string& gl_version, std::string& why);
void set_fullscreen(GLFWwindow* window, bool fullscreen);

// Calls frame() once per displayed frame until it returns false, then done(). The desktop loops and
// returns; the page hands frame() to the browser's animation frames and never returns (the page lives on).
void run_frames(std::function<bool()> frame, std::function<void()> done);
// Called when the user leaves: the desktop when the loop ends, the page when it is closed or reloaded.
void on_leave(std::function<void()> leave);
// Whether work may run on a thread of its own (the web build has one thread).
bool threads_available();

// After a frame: the page offers the files written under `dir` as downloads, then removes them; the
// desktop leaves them where they are.
void deliver_files(const std::filesystem::path& dir);
// Whether exports become downloads (the page), so that no export folder is asked for.
bool downloads_exports();
// Keeps the files written under the state folder for the next visit (the page: in the browser's storage).
void keep_files();

// Whether the user picks input files in a dialog of the platform's own (the browser's file picker).
bool picks_files();
// Opens the picker for `slot` (e.g. "q"); the chosen file's path comes from picked_file(slot) later.
void pick_file(const std::string& slot);
std::optional<std::string> picked_file(const std::string& slot);

}  // namespace attnlab::gui::platform
