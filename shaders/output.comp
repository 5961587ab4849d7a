#version 430
// Stage 5: output = weights·V (Lq × dv). Weights at binding 0, V at 1, output at 2. A fully masked
// row has zero weights, so its output row is zero.
#include "common.glsl"
#define ROWS lq
#define COLS dv
#define DEPTH lk
#define PRODUCT_KERNEL
#include "product.glsl"
