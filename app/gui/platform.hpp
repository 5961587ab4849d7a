#pragma once
// Where the desktop window and the web page differ, in one place: the window and its GL context, the
// backend the window can run, the main loop, and files (exports, the state kept between visits, files the
// user picks). platform_desktop.cpp is the GLFW window on a desktop; platform_web.cpp the page's canvas.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
// Whether the user asked the system for less motion (a browser's prefers-reduced-motion); the
// desktop has no such setting to read and says no.
bool reduced_motion();
// Whether work may run on a thread of its own (the web build has one thread).
bool threads_available();
// How long a frame of a page may spend on work it spreads over frames (a token, a layer at a time),
// in ms: Module.attnlabBudgetMs when the page's script sets it (0: one part per frame), else 10.
double frame_budget_ms();
// Generation's state as JSON (how far the token is, the sentence's ids), for the page's script:
// Module.attnlabGeneration. Nothing on the desktop.
void show_generation(const std::string& json);

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

// A real model's source as typed: a folder, or on the desktop a Hugging Face Hub id (hub.md: NAME or
// ORG/NAME, no folder of that name here), opened from the Hugging Face cache or downloaded into it.
bool is_hub_model(const std::string& source);
// How far one file of a Hub model's download is, as a line for its progress bar ("model.safetensors
// 312.4 MB / 548.1 MB  98.2 MB/s  2 s left") and the part of the file done (0 to 1, or -1 unknown).
struct DownloadProgress {
  std::string file, line;
  float fraction = -1;
};
// The folder to load for `source`: itself when it is no Hub id, else its snapshot folder in the cache,
// downloaded first when the cache lacks it, on the calling thread (the model's worker): `progress` is
// called as bytes come, and `cancel` set stops the download within a second, keeping its part for the
// next try. Throws InputError or RunError as the command line would. A page (one thread) returns at
// once: the browser fetches the files into the page and keeps them in its Cache Storage, and until they
// have all come the folder is empty (`progress` says how far; call again next frame).
std::string model_folder(const std::string& source, const std::function<void(const DownloadProgress&)>& progress,
                         const std::atomic<bool>& cancel);
// Hub ids (ORG/NAME) for the window's list, and its title: the Hugging Face cache's models on the
// desktop, a few small ones on a page.
std::vector<std::string> cached_hub_models();
const char* hub_models_title();

}  // namespace attnlab::gui::platform
