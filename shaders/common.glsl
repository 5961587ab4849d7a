// What every kernel shares: the problem block, the mask's key ranges, -inf and the workgroup barrier.
// The prelude (kernel_prelude in core/gl/shader_source.cpp) defines TILE, ROW_THREADS and the MASK_*
// kinds.

// Sizes, scale and mask are uniforms: changing them never recompiles a shader. The C++ mirror is
// ProblemBlock in core/gl/gl_backend.cpp.
layout(std140, binding = 0) uniform ProblemBlock {
  uint lq;          // queries
  uint lk;          // keys
  uint dk;          // query and key width
  uint dv;          // value width
  float scale;      // scaled = scale · scores (the scale over the temperature)
  uint mask_kind;   // one of the MASK_* kinds
  uint mask_param;  // W of window:W, N of padding:N
};

// -inf by its bits: GLSL has no literal for it, and a test on the bits survives any optimisation
// that assumes finite numbers.
const uint NEG_INF_BITS = 0xff800000u;
float neg_inf() { return uintBitsToFloat(NEG_INF_BITS); }
bool is_neg_inf(float x) { return floatBitsToUint(x) == NEG_INF_BITS; }

// The lowest finite float: a running maximum starts here, so exp(m_old − m_new) never meets inf − inf.
const float LOWEST = -3.40282347e38;

// The keys query i may attend, lo ≤ j < hi (semantics.md, Masks); a matrix mask adds A inside them.
uvec2 key_range(uint i) {
  const int query = int(i), keys = int(lk);
  int lo = 0, hi = keys;
  switch (mask_kind) {
    case MASK_CAUSAL: hi = query + 1; break;
    case MASK_CAUSAL_BOTTOM_RIGHT: hi = query + 1 + keys - int(lq); break;
    case MASK_WINDOW: lo = query - int(mask_param) + 1; hi = query + 1; break;
    case MASK_PADDING: hi = int(mask_param); break;
    default: break;
  }
  return uvec2(clamp(lo, 0, keys), clamp(hi, 0, keys));
}

// Every invocation of the workgroup gets here, and then sees the others' shared-memory writes.
void sync() {
  memoryBarrierShared();
  barrier();
}
