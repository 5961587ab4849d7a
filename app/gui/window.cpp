#include "app/gui/window.hpp"

#include "app/gui/gl.hpp"
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
#include <iostream>
#include <vector>

#include "app/gui/app_state.hpp"
#include "app/gui/panels.hpp"
#include "app/gui/platform.hpp"
#include "app/gui/style.hpp"
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

void handle_keys(AppState& app, GLFWwindow* window) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const auto pressed = [](int key) { return ImGui::IsKeyPressed(key); };
  if (pressed(GLFW_KEY_RIGHT)) act(app, Action::next_stage);
  if (pressed(GLFW_KEY_LEFT)) act(app, Action::previous_stage);
  if (pressed(GLFW_KEY_DOWN)) act(app, Action::next_query);
  if (pressed(GLFW_KEY_UP)) act(app, Action::previous_query);
  if (pressed(GLFW_KEY_SPACE)) act(app, Action::play);
  if (pressed(GLFW_KEY_EQUAL) || pressed(GLFW_KEY_KP_ADD)) act(app, Action::dk_up);
  if (pressed(GLFW_KEY_MINUS) || pressed(GLFW_KEY_KP_SUBTRACT)) act(app, Action::dk_down);
  if (pressed(GLFW_KEY_P)) act(app, Action::toggle_present);
  if (pressed(GLFW_KEY_S)) act(app, Action::toggle_scaling);
  if (pressed(GLFW_KEY_D)) act(app, Action::toggle_explorer);
  if (pressed(GLFW_KEY_E)) act(app, Action::export_stage);
  if (pressed(GLFW_KEY_T)) act(app, Action::toggle_tiles);
  if (pressed(GLFW_KEY_RIGHT_BRACKET)) act(app, Action::next_tile);
  if (pressed(GLFW_KEY_LEFT_BRACKET)) act(app, Action::previous_tile);
  if (pressed(GLFW_KEY_H)) act(app, Action::toggle_heads);
  if (pressed(GLFW_KEY_PERIOD)) act(app, Action::next_head);
  if (pressed(GLFW_KEY_COMMA)) act(app, Action::previous_head);
  if (pressed(GLFW_KEY_F)) {
    app.fullscreen = !app.fullscreen;
    platform::set_fullscreen(window, app.fullscreen);
  }
}

// A fixed layout of panels that follows the window's size; presentation mode hides the side panels.
void draw_panels(AppState& app, HeatmapView& heatmap, HeadsView& heads) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 o = viewport->WorkPos, size = viewport->WorkSize;
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  const auto panel = [&](const char* title, float x, float y, float w, float h, auto&& draw) {
    ImGui::SetNextWindowPos({o.x + x, o.y + y});
    ImGui::SetNextWindowSize({w, h});
    if (ImGui::Begin(title, nullptr, flags)) draw();
    ImGui::End();
  };
  const bool present = app.settings.present;
  const float left = present ? 0 : std::max(size.x * 0.24f, 320.0f);
  const float right = (size.x - left) * (present ? 0.42f : 0.45f);
  const float middle = size.x - left - right;
  if (!present) {
    const float stats_h = std::min(size.y * 0.34f, ImGui::GetFontSize() * 14);
    panel("Inputs", 0, 0, left, size.y - stats_h, [&] { draw_inputs(app); });
    panel("Statistics of this query", 0, size.y - stats_h, left, stats_h, [&] { draw_stats(app); });
  }
  panel("Heatmap", left, 0, middle, size.y, [&] { draw_heatmap(app, heatmap); });
  // The explorer's plots and the heads' grid need room; the stepper above keeps its selectors.
  const float output_h = size.y * (app.tab == AppState::Tab::output     ? 0.36f
                                   : app.tab == AppState::Tab::explorer ? 0.64f
                                                                        : 0.72f);
  panel("Stepper: one query, stage by stage", left + middle, 0, right, size.y - output_h, [&] { draw_stepper(app); });
  panel("Output, the dₖ explorer, the heads", left + middle, size.y - output_h, right, output_h, [&] {
    if (ImGui::BeginTabBar("bottom")) {
      const auto tab = [&](const char* name, AppState::Tab which, auto&& draw) {
        // A key or --actions may switch the tab; clicks do too.
        const ImGuiTabItemFlags select = app.tab_requested == which ? ImGuiTabItemFlags_SetSelected : 0;
        if (ImGui::BeginTabItem(name, nullptr, select)) {
          if (!app.tab_requested) app.tab = which;  // a click on a tab
          draw();
          ImGui::EndTabItem();
        }
      };
      tab("output = Σ weight · value", AppState::Tab::output, [&] { draw_output(app); });
      tab("why √dₖ (D)", AppState::Tab::explorer, [&] { draw_explorer(app); });
      tab("heads (H)", AppState::Tab::heads, [&] { draw_heads(app, heads); });
      app.tab_requested.reset();
      ImGui::EndTabBar();
    }
  });
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
  Fonts fonts;
  std::unique_ptr<HeatmapView> heatmap = std::make_unique<HeatmapView>();
  std::unique_ptr<HeadsView> heads = std::make_unique<HeadsView>();
  std::vector<double> frame_ms;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  int frame = 0;

  // Draws one frame; false once the window is to close.
  bool draw_frame() {
    if (glfwWindowShouldClose(window)) return false;
    const auto frame_start = std::chrono::steady_clock::now();
    glfwPollEvents();
    if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
      glfwWaitEvents();  // nothing to draw while minimised
      return true;
    }
    if (frame >= 1 && static_cast<std::size_t>(frame - 1) < o.actions.size())
      act(app, o.actions[static_cast<std::size_t>(frame - 1)]);
    tick(app, std::chrono::duration<double>(frame_start - last).count());
    last = frame_start;
    apply(app);
    if (frame == 0 || app.settings.light != app.applied_theme_light) apply_theme(app.settings.light);
    app.applied_theme_light = app.settings.light;
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
    handle_keys(app, window);
    draw_panels(app, *heatmap, *heads);
    ImGui::PopFont();
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.06f, 0.06f, 0.07f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    frame_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count());
    const bool last_frame = o.frames > 0 && frame + 1 >= o.frames;
    if (last_frame && !o.screenshot.empty()) save_screenshot(o.screenshot, width, height);
    glfwSwapBuffers(window);
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
  }

  void remember() const {
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
    app.engine.reset();
    if (!window) return;
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
  }
};

}  // namespace

int run_window(WindowOptions options) {
  Glfw glfw;  // first, so that it terminates GLFW after the window's GL objects are gone
  auto w = std::make_unique<OpenWindow>();
  w->o = std::move(options);
  const WindowOptions& o = w->o;
  AppState& app = w->app;
  app.settings = o.settings;
  app.scripted = o.frames > 0;
  if (!o.export_dir.empty()) app.typed.export_dir = o.export_dir;
  if (o.remember) {
    try {
      app.settings = load_settings(last_state_path());
    } catch (const std::exception&) {
      // No last state yet, or one from an older version: start from the defaults given.
    }
  }

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
  w->fonts = load_fonts(std::clamp(app.settings.font_scale, 0.5f, 4.0f));
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init(platform::glsl_version());

  app.open_backend = [gl_version](const std::string& name, std::string& why) {
    return platform::window_backend(name, gl_version, why);
  };
  std::string why;
  try {
    start(app, app.open_backend(app.settings.backend, why));
  } catch (const std::exception& e) {
    // A remembered state that no longer loads (a moved file): the defaults, and say why.
    const std::string failure = e.what();
    app.settings = o.settings;
    start(app, app.open_backend(app.settings.backend, why));
    app.status = "last state not restored: " + failure;
  }
  if (!why.empty()) app.backend_note += " — " + why;

  OpenWindow* open = w.get();
  platform::on_leave([open] { open->remember(); });
  platform::run_frames([open] { return open->draw_frame(); },
                       [open] {
                         open->report();
                         open->remember();
                       });
  return 0;
}

}  // namespace attnlab::gui
