# The web build's libraries (scripts/web.sh, Debian's emscripten): the same header-only Debian packages as
# the desktop, seen through a folder of links so that /usr/include itself (glibc's headers) stays out of
# the compiler's path; Dear ImGui from its sources in third_party/imgui (libimgui-dev has a native library
# only); GLFW and WebGL2 from emscripten; one thread, so OpenMP is a header that says so.
set(web_headers ${PROJECT_BINARY_DIR}/web_headers)
file(MAKE_DIRECTORY ${web_headers})
foreach(name eigen3 nlohmann CLI stb)
  file(REMOVE ${web_headers}/${name})
  file(CREATE_LINK /usr/include/${name} ${web_headers}/${name} SYMBOLIC)
endforeach()

add_library(Eigen3::Eigen INTERFACE IMPORTED)
target_include_directories(Eigen3::Eigen SYSTEM INTERFACE ${web_headers}/eigen3)
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${web_headers})
add_library(CLI11::CLI11 INTERFACE IMPORTED)
target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${web_headers})
# stb's functions are compiled once in app/web/stb.cpp (the desktop links Debian's libstb).
add_library(PkgConfig::STB INTERFACE IMPORTED)
target_include_directories(PkgConfig::STB SYSTEM INTERFACE ${web_headers})
add_library(OpenMP::OpenMP_CXX INTERFACE IMPORTED)
target_include_directories(OpenMP::OpenMP_CXX SYSTEM INTERFACE ${PROJECT_SOURCE_DIR}/app/web/serial)

set(imgui_dir ${PROJECT_SOURCE_DIR}/third_party/imgui)
add_library(imgui_backends STATIC
  ${imgui_dir}/imgui.cpp
  ${imgui_dir}/imgui_draw.cpp
  ${imgui_dir}/imgui_tables.cpp
  ${imgui_dir}/imgui_widgets.cpp
  ${imgui_dir}/misc/cpp/imgui_stdlib.cpp
  ${imgui_dir}/backends/imgui_impl_glfw.cpp
  ${imgui_dir}/backends/imgui_impl_opengl3.cpp)
target_include_directories(imgui_backends SYSTEM PUBLIC ${imgui_dir} ${imgui_dir}/backends ${imgui_dir}/misc/cpp)
# ImGui 1.86's renderer picks its GL header and GLSL by this macro; WebGL2 is OpenGL ES 3.0.
target_compile_definitions(imgui_backends PUBLIC IMGUI_IMPL_OPENGL_ES3)
target_compile_options(imgui_backends PRIVATE -w)  # GLFW's header is in emscripten's sysroot; -sUSE_GLFW=3 is a link setting
target_link_options(imgui_backends PUBLIC -sUSE_GLFW=3 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
