#version 430
// A stage (rows × cols floats) painted into an RGBA8 image through a 256-entry colormap over
// [lo, hi], masked (-inf) cells in one fixed colour: the mapping of core/colormap.cpp, so a window can
// show a stage without reading it back. Texel (j, i) is cell (i, j).
#include "common.glsl"

layout(local_size_x = TILE, local_size_y = TILE) in;
layout(std430, binding = 0) readonly buffer Stage { float stage[]; };
layout(std430, binding = 1) readonly buffer Table { uint table[256]; };  // RGBA8, red in the low byte
layout(rgba8, binding = 0) writeonly uniform image2D image;

layout(location = 0) uniform uint rows;
layout(location = 1) uniform uint cols;
layout(location = 2) uniform float lo;
layout(location = 3) uniform float steps;  // 256 / (hi − lo), or 0 for an empty range
layout(location = 4) uniform uint masked_colour;

void main() {
  for (uint i = gl_GlobalInvocationID.y; i < rows; i += gl_NumWorkGroups.y * TILE)
    for (uint j = gl_GlobalInvocationID.x; j < cols; j += gl_NumWorkGroups.x * TILE) {
      const float value = stage[i * cols + j];
      // The same two roundings as the CPU's (value − lo) · steps, never fused into something else.
      precise float position = (value - lo) * steps;
      const uint colour = is_neg_inf(value) ? masked_colour : table[uint(clamp(floor(position), 0.0, 255.0))];
      imageStore(image, ivec2(j, i), unpackUnorm4x8(colour));
    }
}
