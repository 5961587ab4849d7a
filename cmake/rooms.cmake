# A room is one folder of core/ (or app/, tests/) and its library. Its headers are reachable as
# "core/ROOM/x.hpp" by the room itself and by whatever links it, and by nothing else: each room gets
# an include folder of its own in the build tree that holds only a link to the room's sources. So an
# include of a room one does not link fails to compile, and the arrows between rooms are the links.

# attnlab_include_root(TARGET SCOPE PREFIX DIR): TARGET sees DIR's headers as "PREFIX/x.hpp".
function(attnlab_include_root target scope prefix dir)
  string(REPLACE "/" "_" root_name "${prefix}")
  set(root ${PROJECT_BINARY_DIR}/include_roots/${root_name})
  get_filename_component(parent ${root}/${prefix} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(REMOVE ${root}/${prefix})
  file(CREATE_LINK ${dir} ${root}/${prefix} SYMBOLIC)
  target_include_directories(${target} ${scope} ${root})
endfunction()

# attnlab_room(NAME [SOURCES...]): the library attnlab_NAME of core/NAME; header-only without sources.
function(attnlab_room name)
  if(ARGN)
    add_library(attnlab_${name} STATIC ${ARGN})
    attnlab_include_root(attnlab_${name} PUBLIC core/${name} ${CMAKE_CURRENT_SOURCE_DIR})
  else()
    add_library(attnlab_${name} INTERFACE)
    attnlab_include_root(attnlab_${name} INTERFACE core/${name} ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
endfunction()
