#pragma once
// What a model's forward pass holds in memory, estimated once the model is opened and its tokens are
// known, before a weight is read: a model or an input too large for the machine is refused at once
// (exit 2, both numbers), not killed by the kernel part-way through loading, nor by an allocation
// that fails inside a parallel loop.
#include <cstdint>

#include "core/base/matrix.hpp"
#include "core/model/model.hpp"
#include "core/model/safetensors.hpp"

namespace attnlab {

// What `elements` values of a weight stored as `dtype` take in memory while the model is open: the one
// place that knows how each dtype is read. F32 is read in place (the mapping's pages stay resident
// while passes read them) or, off a float boundary, copied; an F16 or BF16 matrix is read in place
// too, at 2 bytes a value, and a 16-bit norm or bias (1-D, not a `matrix`) widened to float32.
std::uint64_t weight_memory(DType dtype, std::uint64_t elements, bool matrix);

// The peak of a forward pass over `length` tokens on OpenMP's threads: the weights read (what
// open_model summed) with the file bytes of the tensor being widened, the program, the Q, K and V
// every layer keeps, one layer's working activations, one head's output-only attention (O(length):
// no length × length matrix), and the logits. Saturates instead of overflowing.
std::uint64_t forward_memory(const Model& opened, Index length);

// What a command holds beside one plain pass.
struct PassMemory {
  // The full traces of the layer shown (every head's four L × L stages), which compute, export and the
  // window hold after the pass; bench runs the pass alone.
  bool layer_trace = false;
  // A knock-out's: the pass keeps every layer's input (L × E each, what the recompute starts from), and
  // the pass with the heads knocked out is held beside the one without (the window keeps both).
  bool knock_out = false;
};

// What a knock-out adds to a pass's memory: every layer's input kept (4.7 MB for GPT-2 at 128 tokens,
// about 1 GiB for an 8B model at 2,048), and a second pass of Q, K, V and inputs beside the first.
std::uint64_t knock_out_memory(const Model& opened, Index length);

// Throws InputError "the forward pass of DIR over L tokens needs about N GiB of memory, more than
// the M GiB it may use (…): …" saying whether the weights or the score matrices take the most.
void check_forward_memory(const Model& opened, Index length, const PassMemory& held);

}  // namespace attnlab
