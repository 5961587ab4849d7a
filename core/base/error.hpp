#pragma once
// The two errors of every room: what the user gave is wrong, or anything else failed. Apart from the
// matrix, so that a file that only throws needs no Eigen.
#include <stdexcept>

namespace attnlab {

// Something the user gave us is wrong (a shape, a value, a file): exit status 2, nothing written.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Anything else that failed (a file that cannot be written, a GPU that cannot start): exit status 1.
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace attnlab
