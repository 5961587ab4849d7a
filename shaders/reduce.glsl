// Reductions over a one-dimensional workgroup of ROW_THREADS invocations (a power of two), through
// shared memory and barrier() only: no subgroup operations, which Mesa's llvmpipe lacks. Every
// invocation must call them, and every invocation gets the result.

shared vec4 partial[ROW_THREADS];
shared uint shared_word;

vec4 workgroup_sum(vec4 value) {
  const uint id = gl_LocalInvocationID.x;
  partial[id] = value;
  sync();
  for (uint half_size = ROW_THREADS / 2u; half_size > 0u; half_size /= 2u) {
    if (id < half_size) partial[id] += partial[id + half_size];
    sync();
  }
  const vec4 total = partial[0];
  sync();  // before `partial` is written again
  return total;
}

float workgroup_max(float value) {
  const uint id = gl_LocalInvocationID.x;
  partial[id].x = value;
  sync();
  for (uint half_size = ROW_THREADS / 2u; half_size > 0u; half_size /= 2u) {
    if (id < half_size) partial[id].x = max(partial[id].x, partial[id + half_size].x);
    sync();
  }
  const float largest = partial[0].x;
  sync();
  return largest;
}

uint workgroup_min(uint value) {
  if (gl_LocalInvocationID.x == 0u) shared_word = 0xffffffffu;
  sync();
  atomicMin(shared_word, value);
  sync();
  const uint smallest = shared_word;
  sync();
  return smallest;
}

uint workgroup_count(uint value) {
  if (gl_LocalInvocationID.x == 0u) shared_word = 0u;
  sync();
  atomicAdd(shared_word, value);
  sync();
  const uint total = shared_word;
  sync();
  return total;
}
