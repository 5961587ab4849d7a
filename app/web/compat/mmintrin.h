#pragma once
// Eigen's SSE code includes MMX's header first; WebAssembly has no MMX and Eigen uses none of it. The SSE
// headers themselves come from emscripten, which maps them onto WebAssembly's SIMD.
#include <xmmintrin.h>
