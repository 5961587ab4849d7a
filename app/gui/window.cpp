#include "app/gui/window.hpp"

#include "app/gui/platform_gl.hpp"
// GLFW after the GL loader: it must not pull in the system's GL header first.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_generate.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/frame.hpp"
#include "app/gui/frame_report.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/panel_heads.hpp"
#include "app/gui/panel_heatmap.hpp"
#include "app/gui/panel_help.hpp"
#include "app/gui/platform.hpp"
#include "app/gui/settings_file.hpp"
#include "app/gui/style.hpp"
#include "core/base/error.hpp"
#include "core/base/quote.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab::gui {
namespace {

struct Glfw {  // glfwTerminate on every way out (before glfwInit it does nothing)
  ~Glfw() { glfwTerminate(); }
};

// The back buffer's pixels as a PNG, bottom row last, written whole or not at all.
void save_screenshot(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<unsigned char> flipped(pixels.size());
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height; ++y)
    std::copy_n(pixels.data() + row * static_cast<std::size_t>(height - 1 - y), row,
                flipped.data() + row * static_cast<std::size_t>(y));
  std::string png;
  stbi_write_png_to_func(
      [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<char*>(data), static_cast<std::size_t>(size));
      },
      &png, width, height, 4, flipped.data(), static_cast<int>(row));
  if (png.empty()) throw RunError("could not encode the screenshot as PNG");
  write_file_atomic(path, png);
}

void handle_keys(AppState& app) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  using S = KeyBinding::Shift;
  for (const KeyBinding& k : key_bindings())
    if (ImGui::IsKeyPressed(k.key) && k.ctrl == io.KeyCtrl &&
        (k.shift == S::any || (k.shift == S::with) == io.KeyShift))
      act(app, k.action);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// One open window: everything its frames use, on the heap, since in a web page the frames run after
// run_window has returned to the browser.
struct OpenWindow {
  WindowOptions o;
  AppState app;
  GLFWwindow* window = nullptr;
  float font_scale = 1;
  FontSizes sizes;
  Fonts fonts;
  LayoutAudit audit;
  std::unique_ptr<HeatmapView> heatmap = std::make_unique<HeatmapView>();
  std::unique_ptr<HeadsView> heads = std::make_unique<HeadsView>();
  std::unique_ptr<CompareView> compare = std::make_unique<CompareView>();
  std::vector<double> frame_ms;
  FrameReport frame_report;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  bool fullscreen_shown = false;
  int frame = 0;

  // Text grows with the screen: a window resized (or full screen) gets fonts for its new size. True
  // when the fonts changed.
  bool follow_window_size() {
    int window_w = 0, window_h = 0;
    glfwGetWindowSize(window, &window_w, &window_h);
    const FontSizes wanted = font_sizes(window_w, window_h, font_scale);
    if (wanted.normal == sizes.normal && wanted.present == sizes.present) return false;
    sizes = wanted;
    ImGui::GetIO().Fonts->Clear();
    fonts = load_fonts(sizes);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    return true;
  }

  // Full screen, or back to a window, when app.fullscreen changed.
  void follow_fullscreen() {
    if (app.fullscreen == fullscreen_shown) return;
    fullscreen_shown = app.fullscreen;
    platform::set_fullscreen(window, fullscreen_shown);
  }

  // Draws one frame; false once the window is to close.
  bool draw_frame() {
    if (glfwWindowShouldClose(window)) return false;
    const auto frame_start = std::chrono::steady_clock::now();
    glfwPollEvents();
    if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
      glfwWaitEvents();  // nothing to draw while minimised
      return true;
    }
    // Whether this frame generates, and takes a token in or back, for the frame report.
    const int changes = app.generating.changes;
    if (frame >= 1 && static_cast<std::size_t>(frame - 1) < o.actions.size())
      act(app, o.actions[static_cast<std::size_t>(frame - 1)]);
    const bool generating = app.generating.running();
    // A scripted run's frame counts as a 60th of a second, whatever the machine takes to draw it: its
    // status line and play-through come out the same on a loaded machine.
    tick(app, app.scripted ? 1.0 / 60 : std::chrono::duration<double>(frame_start - last).count());
    last = frame_start;
    follow_generation(app);
    apply(app);
    const bool new_fonts = follow_window_size();
    if (frame == 0 || new_fonts || app.settings.light != app.applied_theme_light)
      apply_theme(app.settings.light, sizes.scale);
    app.applied_theme_light = app.settings.light;
    if (audit.on) {
      std::vector<std::string> done;
      if (frame >= 1 && static_cast<std::size_t>(frame - 1) < o.action_names.size())
        done.push_back(o.action_names[static_cast<std::size_t>(frame - 1)]);
      audit.begin_frame(frame, std::move(done));
      audit.present = app.settings.present;
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // A clock too coarse to tell two frames apart (a browser's) must not give ImGui a zero frame time.
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = std::max(io.DeltaTime, 1e-4f);
    // A scripted run ignores wherever the pointer happens to be: its pictures show no hover.
    if (o.frames > 0) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    ImGui::PushFont(static_cast<ImFont*>(app.settings.present ? fonts.present : fonts.normal));
    app.focus_key = -1;
    handle_keys(app);
    follow_fullscreen();
    if (audit.on) audit.font_size = ImGui::GetFontSize();
    draw_panels(app, *heatmap, *heads, *compare);
    draw_help(app);
    if (!ImGui::IsAnyItemActive()) remember(app);  // a slider still held is one change, not many
    ImGui::PopFont();
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.06f, 0.06f, 0.07f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    const auto drawn = std::chrono::steady_clock::now();
    frame_ms.push_back(std::chrono::duration<double, std::milli>(drawn - frame_start).count());
    const bool last_frame = o.frames > 0 && frame + 1 >= o.frames;
    if (last_frame && !o.screenshot.empty()) save_screenshot(o.screenshot, width, height);
    glfwSwapBuffers(window);
    if (!o.frame_report.empty()) {
      const bool landed = app.generating.changes != changes;
      frame_report.frames.push_back(
          {frame_ms.back(), std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - drawn).count(),
           generating || landed || app.generating.running(), landed,
           app.model.run ? static_cast<long long>(app.model.run->tokens.ids.size()) : 0});
    }
    platform::deliver_files(app.typed.export_dir);
    ++frame;
    return !last_frame;
  }

  void report() const {
    if (o.frames <= 1) return;  // the first frame builds the font atlas: not what a user waits for later
    std::cerr << "attnlab: backend " << app.engine->backend().name() << " (" << app.backend_note << ")\n";
    std::cerr << "attnlab: heatmap cells at x=" << heatmap->x << " y=" << heatmap->y << " size=" << heatmap->cell
              << " rows=" << heatmap->rows << " cols=" << heatmap->cols << "\n";
    const std::vector<double> later(frame_ms.begin() + 1, frame_ms.end());
    std::cerr << "attnlab: frame times over " << later.size() << " frames after the first: median " << median(later)
              << " ms, slowest " << *std::max_element(later.begin(), later.end()) << " ms\n";
    // What the heatmap says at the end (a refused change, a download cancelled), for the tests.
    if (!app.error.empty()) std::cerr << "attnlab: the window says: " << one_line(app.error) << "\n";
    if (!app.status.empty()) std::cerr << "attnlab: the status line says: " << one_line(app.status) << "\n";
  }

  void write_reports() const {
    if (audit.on) write_file_atomic(o.layout_report, audit.json());
    if (!o.frame_report.empty()) write_file_atomic(o.frame_report, frame_report.json());
  }

  void save_state() const {
    if (!o.remember) return;
    try {
      save_settings(app.settings, last_state_path());
      platform::keep_files();
    } catch (const std::exception& e) {
      std::cerr << "attnlab: could not remember this run's state: " << e.what() << "\n";
    }
  }

  ~OpenWindow() {
    // GL objects go while their context is still there.
    heatmap.reset();
    heads.reset();
    compare.reset();
    app.engine.reset();
    if (!window) return;
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
  }
};

// A remembered state over the command line's settings. One that does not load, or does not start
// (start_window), is moved aside and the window says so: the defaults written at exit must not
// replace the user's file unseen. Returns why it was not restored, or nothing.
std::string restore_state(OpenWindow& w) {
  const WindowOptions& o = w.o;
  AppState& app = w.app;
  std::string not_restored;
  if (o.remember && std::filesystem::exists(last_state_path())) {
    try {
      app.settings = load_settings(last_state_path());
    } catch (const std::exception& e) {
      not_restored = e.what();
    }
    app.settings.present = app.settings.present || o.present;
    if (o.light) app.settings.light = *o.light;
  }
  return not_restored;
}

// The engine on the window's backend, for the restored settings, else for the command line's.
void start_window(OpenWindow& w, const std::string& gl_version, std::string not_restored) {
  const WindowOptions& o = w.o;
  AppState& app = w.app;
  app.open_backend = [gl_version](const std::string& name, std::string& why) {
    return platform::window_backend(name, gl_version, why);
  };
  std::string why;
  // A model not loaded yet (a remembered one) loads on the worker: the window opens on the default
  // example and switches to the model when its forward pass is done.
  const Settings wanted = app.settings;
  const bool model_later = not_restored.empty() && wanted.source == Source::model && !app.model.of(wanted);
  if (model_later) {
    app.settings.source = Source::example, app.settings.example = "sentence", app.settings.mask = "none";
    app.settings.head = 0, app.settings.query = 0, app.settings.dk = 0, app.settings.heads = app.settings.kv_heads = 1;
  }
  if (not_restored.empty()) try {
      start(app, app.open_backend(backend_name(app.settings.backend), why));
    } catch (const std::exception& e) {
      if (!o.remember) throw;   // the settings given: refused before the window (cli_gui), so never here
      not_restored = e.what();  // a moved file, a problem too large for this machine
    }
  if (!not_restored.empty()) {
    app.settings = o.settings;
    start(app, app.open_backend(backend_name(app.settings.backend), why));
    const std::filesystem::path aside = keep_aside(last_state_path());
    app.status = "last state not restored: " + shortened(not_restored) +
                 (aside.empty() ? std::string() : " (kept as " + aside.filename().string() + ")");
    std::cerr << "attnlab: " << app.status << "\n";  // for a window started from a terminal
  }
  if (!why.empty()) app.backend_note += " — " + why;
  if (model_later && not_restored.empty()) app.settings = wanted;
}

}  // namespace

int run_window(WindowOptions options) {
  Glfw glfw;  // first, so that it terminates GLFW after the window's GL objects are gone
  auto w = std::make_unique<OpenWindow>();
  w->o = std::move(options);
  const WindowOptions& o = w->o;
  AppState& app = w->app;
  app.settings = o.settings;
  app.model = o.model;
  app.model_start = o.model_start;
  // A live run's frames go on while workers run, as a user's do: its frame report measures the window.
  app.scripted = o.frames > 0 && !o.live;
  w->frame_report.live = o.live, w->frame_report.width = o.width, w->frame_report.height = o.height;
  app.views.typed = app.views.text = o.compare_text;
  if (!o.compare_text.empty()) app.tab = AppState::Tab::compare;
  if (!o.export_dir.empty()) app.typed.export_dir = o.export_dir;
  const std::string not_restored = restore_state(*w);

  glfwSetErrorCallback([](int, const char* description) { std::cerr << "attnlab: GLFW: " << description << "\n"; });
  if (!glfwInit()) throw RunError("cannot open a window: GLFW found no display (is DISPLAY set?)");
  std::string gl_version;
  GLFWwindow* window = platform::open_window(o.width, o.height, gl_version);
  if (!window) throw RunError("cannot open a window: no OpenGL 3.3 context");
  glfwMakeContextCurrent(window);
  glfwSwapInterval(o.frames > 0 ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  w->window = window;
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; nothing to remember
  w->font_scale = std::clamp(app.settings.font_scale, 0.5f, 4.0f);
  w->sizes = font_sizes(o.width, o.height, w->font_scale);
  w->fonts = load_fonts(w->sizes);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  if (!o.layout_report.empty()) {
    w->audit.on = true, w->audit.width = o.width, w->audit.height = o.height;
    ImGui::GetIO().UserData = &w->audit;
  }
  ImGui_ImplOpenGL3_Init(platform::glsl_version());
  start_window(*w, gl_version, not_restored);

  OpenWindow* open = w.get();
  platform::on_leave([open] { open->save_state(); });
  platform::run_frames([open] { return open->draw_frame(); },
                       [open] {
                         open->report();
                         open->write_reports();
                         open->save_state();
                       });
  return 0;
}

}  // namespace attnlab::gui
