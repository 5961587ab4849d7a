# Dear ImGui 1.86 from libimgui-dev: the core is libimgui.a (pkg-config imgui, which needs stb);
# the GLFW and OpenGL 3 backends ship as sources, compiled here into one small library.
find_package(PkgConfig REQUIRED)
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
pkg_check_modules(GLFW REQUIRED IMPORTED_TARGET glfw3)
find_package(OpenGL REQUIRED COMPONENTS OpenGL)
set(IMGUI_BACKENDS_DIR /usr/share/doc/libimgui-dev/examples/backends CACHE PATH
    "Where libimgui-dev ships the backend sources")
add_library(imgui_backends STATIC
  ${IMGUI_BACKENDS_DIR}/imgui_impl_glfw.cpp
  ${IMGUI_BACKENDS_DIR}/imgui_impl_opengl3.cpp)
target_include_directories(imgui_backends SYSTEM PUBLIC /usr/include/imgui /usr/include/imgui/backends)
target_link_libraries(imgui_backends PUBLIC PkgConfig::IMGUI PkgConfig::GLFW OpenGL::OpenGL ${CMAKE_DL_LIBS})
# Third-party code: its warnings are not ours to fix.
target_compile_options(imgui_backends PRIVATE -w)
# Debian's ImGui 1.86 OpenGL 3 loader (gl3w, imgui_impl_opengl3_loader.h, compiled into
# imgui_impl_opengl3.cpp) loads 54 entry points through `union GL3WProcs { GL3WglProc ptr[53]; struct
# {54 pointers} gl; }`: the last one is written as ptr[53], outside the array though inside the union.
# UndefinedBehaviorSanitizer's bounds check stops the window there as it opens, so the asan preset's
# build leaves just that check out, for just that file; everything of ours keeps it.
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*undefined")
  set_source_files_properties(${IMGUI_BACKENDS_DIR}/imgui_impl_opengl3.cpp PROPERTIES COMPILE_OPTIONS
                              -fno-sanitize=bounds)
endif()
