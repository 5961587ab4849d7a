// A tiled matrix product through shared memory: C = A·B with A ROWS × DEPTH and B DEPTH × COLS, or
// C = A·Bᵀ with B stored COLS × DEPTH when B_TRANSPOSED is defined. The includer defines ROWS, COLS and
// DEPTH (from the problem block) and binds A at 0 and B at 1. Any sizes: cells past the edges read as 0.

layout(local_size_x = TILE, local_size_y = TILE) in;
layout(std430, binding = 0) readonly buffer MatrixA { float a[]; };
layout(std430, binding = 1) readonly buffer MatrixB { float b[]; };

shared float a_tile[TILE][TILE];
shared float b_tile[TILE][TILE + 1];  // the extra column keeps column reads off one memory bank

// Cell (row0 + y, col0 + x) of the product, (x, y) being this invocation in the workgroup.
// Every invocation of the workgroup must call it with the same row0 and col0.
float tile_product(uint row0, uint col0) {
  const uint x = gl_LocalInvocationID.x, y = gl_LocalInvocationID.y;
  const uint row = row0 + y;
  float sum = 0.0;
  for (uint d0 = 0u; d0 < DEPTH; d0 += TILE) {
    a_tile[y][x] = row < ROWS && d0 + x < DEPTH ? a[row * DEPTH + d0 + x] : 0.0;
#ifdef B_TRANSPOSED
    // Row col0 + y of the stored B, read along the row; used as column y of the tile.
    b_tile[y][x] = col0 + y < COLS && d0 + x < DEPTH ? b[(col0 + y) * DEPTH + d0 + x] : 0.0;
    sync();
    for (uint k = 0u; k < TILE; ++k) sum += a_tile[y][k] * b_tile[x][k];
#else
    b_tile[y][x] = d0 + y < DEPTH && col0 + x < COLS ? b[(d0 + y) * COLS + col0 + x] : 0.0;
    sync();
    for (uint k = 0u; k < TILE; ++k) sum += a_tile[y][k] * b_tile[k][x];
#endif
    sync();
  }
  return sum;
}

#ifdef PRODUCT_KERNEL
layout(std430, binding = 2) writeonly buffer MatrixC { float c[]; };

// Every TILE × TILE block of C; workgroups step over the blocks when there are more than the
// driver lets one dispatch launch.
void main() {
  const uint x = gl_LocalInvocationID.x, y = gl_LocalInvocationID.y;
  for (uint row0 = gl_WorkGroupID.y * TILE; row0 < ROWS; row0 += gl_NumWorkGroups.y * TILE)
    for (uint col0 = gl_WorkGroupID.x * TILE; col0 < COLS; col0 += gl_NumWorkGroups.x * TILE) {
      const float cell = tile_product(row0, col0);
      if (row0 + y < ROWS && col0 + x < COLS) c[(row0 + y) * COLS + col0 + x] = cell;
    }
}
#endif
