// A web page: the canvas as the window with a WebGL2 context, the CPU engine (WebGL2 has no compute
// shaders), the browser's animation frames as the loop, downloads for exports, the browser's storage
// for the state kept between visits, and its file picker for inputs. The JavaScript half is
// app/web/pre.js (the page's storage and URL read before main) and the EM_JS functions below.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui_impl_glfw.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/gui/platform.hpp"
#include "app/gui/wheel.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/base/error.hpp"
#include "core/hub/progress_line.hpp"
#include "core/hub/repo_id.hpp"

// clang-format off
// Offers `size` bytes as a download named `name`.
EM_JS(void, attnlab_download, (const char* name, const unsigned char* data, int size), {
  const bytes = HEAPU8.slice(data, data + size);
  const file = UTF8ToString(name);
  const types = {png : 'image/png', svg : 'image/svg+xml', csv : 'text/csv', json : 'application/json'};
  const type = types[file.split('.').pop()] || 'application/octet-stream';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], {type : type}));
  link.download = file;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
});
// The file at `path` (base64) into the browser's storage, where pre.js finds it on the next visit.
EM_JS(void, attnlab_keep, (const char* path), {
  const name = UTF8ToString(path);
  const bytes = FS.readFile(name);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  try {
    localStorage.setItem('attnlab:' + name, btoa(text));
  } catch (e) {
    err("attnlab: could not keep " + name + " in the browser's storage: " + e.message);
  }
});
// The browser's file picker; the chosen file is copied to /picked/NAME and its path kept for `slot`. For
// the slot "model" it picks a folder, whose own files (a model folder is flat) go to /picked/FOLDER/.
EM_JS(void, attnlab_pick, (const char* slot_name), {
  const slot = UTF8ToString(slot_name);
  const folder = slot === 'model';
  const clean = (name) => name.replace(/[^A-Za-z0-9._-]/g, '_');
  const input = document.createElement('input');
  input.type = 'file';
  if (folder) input.webkitdirectory = true;
  else input.accept = '.npy,.csv';
  input.onchange = async () => {
    if (!input.files.length) return;
    let path;
    if (folder) {
      path = '/picked/' + clean(input.files[0].webkitRelativePath.split('/')[0] || 'model');
      FS.mkdirTree(path);
      for (const file of input.files) {
        const parts = file.webkitRelativePath.split('/');
        if (parts.length === 2) FS.writeFile(path + '/' + parts[1], new Uint8Array(await file.arrayBuffer()));
      }
    } else {
      const file = input.files[0];
      FS.mkdirTree('/picked');
      path = '/picked/' + clean(file.name);
      FS.writeFile(path, new Uint8Array(await file.arrayBuffer()));
    }
    Module.attnlabPicked = Module.attnlabPicked || {};
    Module.attnlabPicked[slot] = path;
  };
  input.click();
});
// The path picked for `slot` since the last call (malloc'd), or null.
EM_JS(char*, attnlab_picked, (const char* slot_name), {
  const slot = UTF8ToString(slot_name);
  const picked = Module.attnlabPicked && Module.attnlabPicked[slot];
  if (!picked) return 0;
  delete Module.attnlabPicked[slot];
  const size = lengthBytesUTF8(picked) + 1;
  const text = _malloc(size);
  stringToUTF8(picked, text, size);
  return text;
});
// A Hub model's download (app/web/hub.js): started, cancelled, and its state as JSON (malloc'd; the state
// "" before a start).
EM_JS(void, attnlab_hub_start, (const char* id), { Module.attnlabHub.start(UTF8ToString(id)); });
EM_JS(void, attnlab_hub_cancel, (const char* id), { Module.attnlabHub.cancel(UTF8ToString(id)); });
EM_JS(char*, attnlab_hub_state, (const char* id), {
  const model = Module.attnlabHub.take(UTF8ToString(id)) || {};
  const text = JSON.stringify({state : model.state || "", file : model.file || "", done : model.done || 0,
                               total : model.total || -1, seconds : (performance.now() - (model.started || 0)) / 1000,
                               folder : model.folder || "", error : model.error || ""});
  const size = lengthBytesUTF8(text) + 1;
  const copy = _malloc(size);
  stringToUTF8(text, copy, size);
  return copy;
});
// The browser's own "reduce motion" (the system's accessibility setting), read each time: it may change
// while the page is open.
EM_JS(int, attnlab_reduced_motion, (), {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 1 : 0;
});

// clang-format on

namespace attnlab::gui::platform {
namespace {

GLFWwindow* the_window = nullptr;

// The canvas follows the page's size.
EM_BOOL resized(int, const EmscriptenUiEvent* event, void*) {
  if (the_window) glfwSetWindowSize(the_window, event->windowInnerWidth, event->windowInnerHeight);
  return EM_FALSE;
}

std::function<bool()> frame_function;
std::function<void()> done_function, leave_function;

// The page's tests and the README's figures read these: frames drawn, when the first one was done (ms
// since the page started loading) and the last frames' times in ms.
void one_frame() {
  const double start = emscripten_get_now();
  const bool more = frame_function();
  EM_ASM(
      {
        Module.attnlabFrames = (Module.attnlabFrames || 0) + 1;
        if (Module.attnlabFrames == 1) Module.attnlabFirstFrame = performance.now();
        const times = Module.attnlabFrameMs = Module.attnlabFrameMs || [];
        times.push($0);
        if (times.length > 600) times.shift();
      },
      emscripten_get_now() - start);
  if (more) return;
  emscripten_cancel_main_loop();
  done_function();
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The folder whose files are kept between visits: the page's home, where the last state and scenarios go.
std::filesystem::path state_folder() {
  const char* home = std::getenv("HOME");
  return home && *home ? home : "/home/web_user";
}

}  // namespace

GLFWwindow* open_window(int width, int height, std::string& version) {
  glfwDefaultWindowHints();
  the_window = glfwCreateWindow(width, height, "Attention Lab", nullptr, nullptr);
  if (!the_window) return nullptr;
  version = "WebGL 2";
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, resized);
  return the_window;
}

const char* glsl_version() {
  return "#version 300 es";
}

std::unique_ptr<Backend> window_backend(const std::string& name, const std::string&, std::string& why) {
  why = name == "cpu" ? "" : "WebGL2 has no compute shaders, so a web page runs the CPU backend";
  return std::make_unique<CpuBackend>();
}

void set_fullscreen(GLFWwindow*, bool fullscreen) {
  if (fullscreen) {
    EmscriptenFullscreenStrategy strategy{};
    strategy.scaleMode = EMSCRIPTEN_FULLSCREEN_SCALE_STRETCH;
    strategy.canvasResolutionScaleMode = EMSCRIPTEN_FULLSCREEN_CANVAS_SCALE_STDDEF;
    emscripten_request_fullscreen_strategy("#canvas", EM_TRUE, &strategy);
  } else {
    emscripten_exit_fullscreen();
  }
}

// Never returns: the frames run from the browser's event loop, after main has given it back.
void run_frames(std::function<bool()> frame, std::function<void()> done) {
  // ImGui's callbacks are installed by now: the wheel goes through ours first, in notches.
  glfwSetScrollCallback(the_window, [](GLFWwindow* window, double x, double y) {
    const WheelSteps steps = wheel_from_browser(x, y);
    ImGui_ImplGlfw_ScrollCallback(window, steps.x, steps.y);
  });
  frame_function = std::move(frame);
  done_function = std::move(done);
  emscripten_set_main_loop(one_frame, 0, EM_TRUE);
}

void on_leave(std::function<void()> leave) {
  leave_function = std::move(leave);
  emscripten_set_beforeunload_callback(nullptr, [](int, const void*, void*) -> const char* {
    if (leave_function) leave_function();
    return nullptr;  // no "leave this page?" question
  });
}

bool reduced_motion() {
  return attnlab_reduced_motion() != 0;
}

bool threads_available() {
  return false;
}

double frame_budget_ms() {
  return EM_ASM_DOUBLE({ return Module.attnlabBudgetMs === undefined ? 10 : Module.attnlabBudgetMs; });
}

void show_generation(const std::string& json) {
  static std::string shown;  // the page is told what changed, not the same state every frame
  if (json == shown) return;
  shown = json;
  EM_ASM({ Module.attnlabGeneration = JSON.parse(UTF8ToString($0)); }, json.c_str());
}

void deliver_files(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string bytes = read_bytes(file);
    attnlab_download(file.filename().c_str(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     static_cast<int>(bytes.size()));
    std::filesystem::remove(file, error);
  }
}

void keep_files() {
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(state_folder(), error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error))
    if (it->is_regular_file()) attnlab_keep(it->path().c_str());
}

bool picks_files() {
  return true;
}

bool downloads_exports() {
  return true;
}

void pick_file(const std::string& slot) {
  attnlab_pick(slot.c_str());
}

std::optional<std::string> picked_file(const std::string& slot) {
  char* path = attnlab_picked(slot.c_str());
  if (!path) return std::nullopt;
  std::string picked = path;
  std::free(path);
  return picked;
}

bool is_hub_model(const std::string& source) {
  return !names_folder(source) && parse_repo_id(source).has_value();
}

// The page has one thread: each frame asks how the browser's download is going.
std::string model_folder(const std::string& source, const std::function<void(const DownloadProgress&)>& progress,
                         const std::atomic<bool>& cancel) {
  if (!is_hub_model(source)) return source;
  if (cancel) attnlab_hub_cancel(source.c_str());
  char* text = attnlab_hub_state(source.c_str());
  const nlohmann::json state = nlohmann::json::parse(text);
  std::free(text);
  const std::string word = state["state"];
  if (word.empty()) attnlab_hub_start(source.c_str());
  if (word == "done") return state["folder"];
  if (word == "failed") throw RunError(state["error"].get<std::string>());
  if (word == "cancelled") throw RunError("download of " + source + " cancelled");
  FileProgress p;
  p.file = state["file"];
  p.done = state["done"].get<std::uint64_t>();
  const double total = state["total"];
  p.total = total > 0 ? static_cast<std::uint64_t>(total) : 0;
  p.seconds = state["seconds"];
  progress({p.file, progress_line(p), total > 0 ? static_cast<float>(static_cast<double>(p.done) / total) : -1.0f});
  return "";
}

// No cache folder to list: a few small models a class can open by name (the shipped tiny model, in
// the examples, needs no download at all).
const char* hub_models_title() {
  return "small models";
}

std::vector<std::string> cached_hub_models() {
  return {"openai-community/gpt2", "HuggingFaceTB/SmolLM2-135M", "Qwen/Qwen3-0.6B"};
}

}  // namespace attnlab::gui::platform
