#pragma once
// The GL entry points the window draws with: libepoxy's on the desktop, WebGL2's (OpenGL ES 3.0) in a
// web page (a platform file: it knows desktop from web). Both have everything the window uses (textures,
// read-back, the clear).
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <epoxy/gl.h>
#endif
