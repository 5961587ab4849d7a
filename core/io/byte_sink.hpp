#pragma once
// Bytes handed over piece by piece, so that a large file is never held whole in memory.
#include <functional>
#include <string_view>

namespace attnlab {

using ByteSink = std::function<void(std::string_view)>;
// Writes a file's bytes into the sink it is given.
using ByteSource = std::function<void(const ByteSink&)>;

}  // namespace attnlab
