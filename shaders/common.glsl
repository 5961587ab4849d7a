// What every kernel shares: the problem block, the mask's key ranges, -inf and the workgroup barrier.
// The prelude (kernel_prelude in core/gl/shader_source.cpp) defines TILE, ROW_THREADS and the MASK_*
// kinds.

// Sizes, scale, mask, soft-cap and sink are uniforms: changing them never recompiles a shader. The C++
// mirror is ProblemBlock in core/gl/gl_backend.cpp.
layout(std140, binding = 0) uniform ProblemBlock {
  uint lq;          // queries
  uint lk;          // keys
  uint dk;          // query and key width
  uint dv;          // value width
  float scale;      // scaled = scale · scores (the scale over the temperature)
  uint mask_kind;   // one of the MASK_* kinds
  uint mask_param;  // W of window:W, N of padding:N
  float softcap;    // C of capped = C·tanh(scaled / C); 0: no soft-cap
  float sink;       // the sink logit, when has_sink is 1
  uint has_sink;    // 1: the sink joins every row's softmax denominator
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

// tanh(x) to within a few ulps, never NaN: an odd polynomial near 0, where (1 − e)/(1 + e) with
// e = exp(−2|x|) would lose x's digits to the subtraction, and that quotient further out, where e only
// shrinks towards 0 (a driver's own tanh may go through exp(2x) and overflow to inf/inf).
float tanh_exact(float x) {
  const float a = abs(x);
  if (a < 0.25) {
    const float x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0 + x2 * (62.0 / 2835.0)))));
  }
  const float e = exp(-2.0 * a);
  return sign(x) * (1.0 - e) / (1.0 + e);
}

// The logit that meets the mask: Gemma 2's soft-cap C·tanh(t / C) of the scaled score t, or t itself.
float capped_score(float t) {
  return softcap > 0.0 ? softcap * tanh_exact(t / softcap) : t;
}

// Every invocation of the workgroup gets here, and then sees the others' shared-memory writes.
void sync() {
  memoryBarrierShared();
  barrier();
}
