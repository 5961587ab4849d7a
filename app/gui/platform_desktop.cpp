// The desktop: a GLFW window with an OpenGL core context, the GPU backend where it can run, a plain loop,
// and files that stay where they are written.
#include <epoxy/gl.h>
// GLFW after the GL loader: it must not pull in the system's GL header first.
#include <GLFW/glfw3.h>

#include "app/gui/platform.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/base/error.hpp"
#include "core/gl/gl_backend.hpp"
#include "core/hub/cached_models.hpp"
#include "core/hub/open_hub_model.hpp"
#include "core/hub/progress_line.hpp"
#include "core/model/config.hpp"

namespace attnlab::gui::platform {

// An OpenGL 4.3 core context for the compute path, else 3.3 core, which draws everything too.
GLFWwindow* open_window(int width, int height, std::string& version) {
  for (auto [major, minor] : {std::pair{4, 3}, std::pair{3, 3}}) {
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, major);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, minor);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    if (GLFWwindow* window = glfwCreateWindow(width, height, "Attention Lab", nullptr, nullptr)) {
      version = "OpenGL " + std::to_string(major) + "." + std::to_string(minor);
      return window;
    }
  }
  return nullptr;
}

const char* glsl_version() {
  return "#version 330 core";
}

// The GPU path on this window's own context when it can run there (4.3, a hardware GPU for "auto"),
// else the CPU, with the reason.
std::unique_ptr<Backend> window_backend(const std::string& name, const std::string& gl_version, std::string& why) {
  why.clear();
  if (name != "cpu") {
    const std::string renderer = gl::current_renderer();
    if (gl_version != "OpenGL 4.3") why = "this window has OpenGL 3.3 only; the GPU path needs 4.3";
    else if (name == "auto" && gl::is_software_renderer(renderer))
      why = "the only GPU is " + renderer + ", which runs on the CPU and is slower than the CPU backend";
    else try {
        return std::make_unique<gl::GlBackend>(nullptr);
      } catch (const std::exception& e) {
        why = e.what();
      }
  }
  return std::make_unique<CpuBackend>();
}

void set_fullscreen(GLFWwindow* window, bool fullscreen) {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
  if (fullscreen && mode) glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  else glfwSetWindowMonitor(window, nullptr, 60, 60, 1600, 900, 0);
}

void run_frames(std::function<bool()> frame, std::function<void()> done) {
  while (frame()) {
  }
  done();
}

// run_window remembers the state itself once the loop ends.
void on_leave(std::function<void()>) {}

bool reduced_motion() {
  return false;
}

bool threads_available() {
  return true;
}

double frame_budget_ms() {
  return 10;
}

void show_generation(const std::string&) {}

void deliver_files(const std::filesystem::path&) {}
void keep_files() {}

bool picks_files() {
  return false;
}

bool downloads_exports() {
  return false;
}
void pick_file(const std::string&) {}
std::optional<std::string> picked_file(const std::string&) {
  return std::nullopt;
}

bool is_hub_model(const std::string& source) {
  return !names_folder(source) && parse_repo_id(source).has_value();
}

std::string model_folder(const std::string& source, const std::function<void(const DownloadProgress&)>& progress,
                         const std::atomic<bool>& cancel) {
  if (!is_hub_model(source)) return source;
  HubCallbacks callbacks;
  callbacks.progress = [&progress](const FileProgress& p) {
    progress({p.file, progress_line(p),
              p.total > 0 ? static_cast<float>(static_cast<double>(p.done) / static_cast<double>(p.total)) : -1.0f});
  };
  callbacks.cancel = &cancel;
  // An unsupported model_type is refused before its weights come.
  callbacks.check_config = [](const std::filesystem::path& snapshot) { read_config(snapshot); };
  try {
    return open_hub_model({*parse_repo_id(source)}, hub_settings(), callbacks).snapshot.string();
  } catch (const DownloadCancelled& e) {
    throw RunError("download of " + source + " cancelled: what came is kept for the next try");
  }
}

const char* hub_models_title() {
  return "cached models";
}

std::vector<std::string> cached_hub_models() {
  std::vector<std::string> ids;
  try {
    for (const CachedModel& m : cached_models(hub_cache_root()))
      if (ids.empty() || ids.back() != m.repo.text()) ids.push_back(m.repo.text());  // listed by repo id
  } catch (const std::exception&) {
    // An unreadable cache lists nothing: the field still takes an id or a folder.
  }
  return ids;
}

}  // namespace attnlab::gui::platform
