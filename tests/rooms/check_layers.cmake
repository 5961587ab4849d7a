# The app's rooms read from their includes (check_walls.cmake runs it with APP and CORE set): each of
# app/gui/ and app/cli/ is a stack of layers, lowest first, named by component (x.hpp with x.cpp). A
# file includes its own header and the headers of lower layers; a source file without a header of its
# own (a part of a component split over files) may include its own layer's too. So the include graph
# has no loop and no arrow up, and the panels, one layer, include none of each other. The window knows
# desktop from web in its platform files only; core includes nothing the web build supplies.

set(gui_layers
  "platform platform_gl platform_desktop platform_web wheel layout layout_audit frame_budget frame_report style"
  "widgets plot heatmap_image labels background_job"
  "settings stage_motion"
  "settings_file model_source"
  "problem_builder export score_job generation_job model_cache"
  "model_views"
  "app_state app_model_load app_take_back"
  "knockouts"
  "app_actions app_grids"
  "app_generate"
  "keys query_stats stepper_tiles download_bar next_tokens generation_bar small_heatmap"
  "panel_toolbar panel_inputs panel_stepper panel_output panel_explorer panel_help panel_heatmap panel_heads panel_dashboard panel_generate panel_compare"
  "frame"
  "window")
set(cli_layers
  "command cli_input cli_hub suggest"
  "cli_backend cli_window"
  "cli_gui cli_compute cli_bench cli_export cli_heads cli_generate cli_sweep cli_examples cli_tokens cli_models"
  "main")

set(failures "")

# check_room(ROOM LAYERS...): every file of app/ROOM against the layers.
function(check_room room)
  set(level 0)
  foreach(layer ${ARGN})
    string(REPLACE " " ";" names "${layer}")
    foreach(name ${names})
      set(level_${name} ${level})
    endforeach()
    math(EXPR level "${level} + 1")
  endforeach()
  file(GLOB files ${APP}/${room}/*.cpp ${APP}/${room}/*.hpp)
  foreach(file ${files})
    get_filename_component(component ${file} NAME_WE)
    get_filename_component(ext ${file} EXT)
    if(NOT DEFINED level_${component})
      list(APPEND failures "app/${room}/${component}${ext} is in no layer of tests/rooms/check_layers.cmake")
      continue()
    endif()
    set(part_of_layer FALSE)
    if(ext STREQUAL ".cpp" AND NOT EXISTS ${APP}/${room}/${component}.hpp)
      set(part_of_layer TRUE)
    endif()
    file(STRINGS ${file} includes REGEX "^#include \"app/")
    foreach(line ${includes})
      string(REGEX MATCH "\"app/([a-z]+)/([a-z_0-9]+)\\.hpp\"" matched "${line}")
      set(to_room ${CMAKE_MATCH_1})
      set(to ${CMAKE_MATCH_2})
      if(to_room STREQUAL room AND to STREQUAL component)
        continue()
      endif()
      if(NOT to_room STREQUAL room)
        if(room STREQUAL "gui")
          list(APPEND failures "app/gui/${component}${ext} includes app/${to_room}/${to}.hpp: the window is below the command line")
        endif()
        continue()
      endif()
      if(NOT DEFINED level_${to})
        list(APPEND failures "app/${room}/${to}.hpp (included by ${component}${ext}) is in no layer")
      elseif(level_${to} GREATER level_${component} OR
             (level_${to} EQUAL level_${component} AND NOT part_of_layer))
        list(APPEND failures "app/${room}/${component}${ext} includes ${to}.hpp, which is not below it")
      endif()
    endforeach()
    if(room STREQUAL "gui" AND NOT component MATCHES "^platform")
      file(STRINGS ${file} platform REGEX "__EMSCRIPTEN__|#include <(emscripten|epoxy|GLES)|#include \"core/gl/")
      if(platform)
        list(APPEND failures "app/gui/${component}${ext} knows desktop from web: only the platform files may")
      endif()
    endif()
  endforeach()
  set(failures ${failures} PARENT_SCOPE)
endfunction()

check_room(gui ${gui_layers})
check_room(cli ${cli_layers})

# The web build supplies no OpenMP and no x86 headers: core reaches threads and the cycle counter
# through core/base alone.
file(GLOB_RECURSE core_files ${CORE}/*.cpp ${CORE}/*.hpp)
foreach(file ${core_files})
  if(file MATCHES "/core/base/")
    continue()
  endif()
  file(STRINGS ${file} web REGEX "#include <(omp|x86intrin)\\.h>")
  if(web)
    file(RELATIVE_PATH name ${CORE} ${file})
    list(APPEND failures "core/${name} includes ${web}: threads and the cycle counter are core/base's")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "${text}")
endif()
message(STATUS "app/gui, app/cli: every include goes down a layer; only the platform files know desktop from web")
