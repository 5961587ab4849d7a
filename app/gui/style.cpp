#include "app/gui/style.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace attnlab::gui {
namespace {

constexpr const char* font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";  // fonts-dejavu-core

}  // namespace

FontSizes font_sizes(int width, int height, float font_scale) {
  const float w = static_cast<float>(std::max(width, 1)), h = static_cast<float>(std::max(height, 1));
  // In quarter steps, so that a window resized by a few pixels keeps its fonts.
  const float scale = std::round(4 * std::clamp(std::min(w / 1920, h / 1080), 1.0f, 3.0f)) / 4;
  const float present = std::round(std::clamp(std::min(h / 30, w / 51), 20.0f, 30.0f));
  return {18 * scale * font_scale, present * scale * font_scale, scale};
}

Fonts load_fonts(const FontSizes& sizes) {
  ImGuiIO& io = ImGui::GetIO();
  if (!std::filesystem::exists(font_path)) {  // ImGui's own font: ASCII only, but the app still works
    ImFontConfig config;
    config.SizePixels = 13.0f * sizes.normal / 18;
    ImFont* font = io.Fonts->AddFontDefault(&config);
    return {font, font};
  }
  static ImVector<ImWchar> ranges;  // ImGui keeps a pointer to the ranges until the atlas is built
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());
  static const ImWchar extra[] = {0x0370, 0x03FF,  // Greek
                                  0x1D00, 0x1DBF,  // modifier letters: ᵀ ᵥ
                                  0x2000, 0x206F,  // punctuation: — “ ” ‖ …
                                  0x2070, 0x209F,  // super- and subscripts: ₖ ₀ ⱼ
                                  0x2100, 0x214F,  // letterlike symbols: ℓ
                                  0x2190, 0x21FF,  // arrows
                                  0x2200, 0x22FF,  // mathematical operators: √ Σ ∞ −
                                  0x2308, 0x230B,  // ceiling and floor: ⌊ ⌋
                                  0x2423, 0x2423,  // ␣, a space in a token
                                  0x25A0, 0x25FF,  // shapes: ■ ▶ ◀
                                  0x2C7C, 0x2C7C,  // ⱼ
                                  0};
  builder.AddRanges(extra);
  ranges.clear();
  builder.BuildRanges(&ranges);
  ImFont* normal = io.Fonts->AddFontFromFileTTF(font_path, sizes.normal, nullptr, ranges.Data);
  ImFont* present = io.Fonts->AddFontFromFileTTF(font_path, sizes.present, nullptr, ranges.Data);
  return {normal, present};
}

void apply_theme(bool light, float scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  if (light) {
    ImGui::StyleColorsLight();
    // ImGui's grey (0.6) is 2.5:1 on its light background: darker, for 4.5:1 (WCAG AA).
    style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.36f, 0.36f, 0.36f, 1.0f);
  } else {
    ImGui::StyleColorsDark();
    // Higher contrast than ImGui's default for a washed-out projector.
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.06f, 0.06f, 0.07f, 1.0f);
    style.Colors[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.16f, 0.29f, 0.48f, 1.0f);
  }
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.WindowBorderSize = 1;
  style.ItemSpacing = ImVec2(8, 6);
  style.ScaleAllSizes(scale);
}

bool light_theme() {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  return 0.299f * bg.x + 0.587f * bg.y + 0.114f * bg.z > 0.5f;
}

ImVec4 warning_text_colour() {
  return light_theme() ? ImVec4(0.62f, 0.30f, 0.0f, 1.0f) : ImVec4(1.0f, 0.55f, 0.2f, 1.0f);
}

ImVec4 error_text_colour() {
  return light_theme() ? ImVec4(0.75f, 0.12f, 0.05f, 1.0f) : ImVec4(1.0f, 0.47f, 0.35f, 1.0f);
}

}  // namespace attnlab::gui
