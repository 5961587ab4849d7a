#version 430
// Stage 1: scores = Q·Kᵀ (Lq × Lk). Q at binding 0, K (stored Lk × dk) at 1, scores at 2.
#include "common.glsl"
#define ROWS lq
#define COLS lk
#define DEPTH dk
#define B_TRANSPOSED
#define PRODUCT_KERNEL
#include "product.glsl"
