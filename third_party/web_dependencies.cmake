# The web build's libraries (scripts/web.sh, Debian's emscripten): the same header-only Debian packages as
# the desktop, seen through a folder of links so that /usr/include itself (glibc's headers) stays out of
# the compiler's path; Dear ImGui from its sources in third_party/imgui (libimgui-dev has a native library
# only); GLFW and WebGL2 from emscripten; one thread, so no OpenMP (core/base/threads.cpp answers for one).
enable_language(C)  # PCRE2 and utf8proc below
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

# The tokenizers' regexes and Unicode normalization from their sources (libpcre2-dev and libutf8proc-dev
# have native libraries only): third_party/pcre2 and third_party/utf8proc, from Debian's source packages
# by scripts/vendor_tokenizer_libs.sh. PCRE2 in 8-bit code units with Unicode and without its JIT (a
# page cannot make machine code); pcre2_tables.c includes pcre2_ucptables.c, as pcre2_jit_compile.c its
# other parts.
set(pcre2_dir ${PROJECT_SOURCE_DIR}/third_party/pcre2)
set(pcre2_sources)
foreach(name auto_possess chartables compile config context convert dfa_match error extuni find_bracket jit_compile
             maketables match match_data newline ord2utf pattern_info script_run serialize string_utils study
             substitute substring tables ucd valid_utf xclass)
  list(APPEND pcre2_sources ${pcre2_dir}/pcre2_${name}.c)
endforeach()
add_library(web_pcre2 STATIC ${pcre2_sources})
target_compile_definitions(web_pcre2 PRIVATE HAVE_CONFIG_H SUPPORT_PCRE2_8 SUPPORT_UNICODE HAVE_MEMMOVE
                           HAVE_STDINT_H HAVE_INTTYPES_H PUBLIC PCRE2_CODE_UNIT_WIDTH=8 PCRE2_STATIC)
target_include_directories(web_pcre2 SYSTEM PUBLIC ${pcre2_dir})
target_compile_options(web_pcre2 PRIVATE -w)
add_library(PkgConfig::PCRE2 ALIAS web_pcre2)
set(utf8proc_dir ${PROJECT_SOURCE_DIR}/third_party/utf8proc)
add_library(web_utf8proc STATIC ${utf8proc_dir}/utf8proc.c)
target_compile_definitions(web_utf8proc PUBLIC UTF8PROC_STATIC)
target_include_directories(web_utf8proc SYSTEM PUBLIC ${utf8proc_dir})
target_compile_options(web_utf8proc PRIVATE -w)
add_library(PkgConfig::UTF8PROC ALIAS web_utf8proc)

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
