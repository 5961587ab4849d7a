#pragma once
// Eigen 3.4 on WebAssembly through emscripten's SSE2 headers: clang calls itself GCC 4.2, for which Eigen
// works around old GCC bugs with x86 inline assembly (pmin's minps, the matrix kernel's register
// barriers) that a WebAssembly target cannot assemble. Eigen's own macros, set before any Eigen header:
// not GCC, so the plain intrinsics are used.
#include <Eigen/src/Core/util/Macros.h>
#undef EIGEN_COMP_GNUC
#define EIGEN_COMP_GNUC 0
#undef EIGEN_GNUC_AT_LEAST
#define EIGEN_GNUC_AT_LEAST(x, y) 0
