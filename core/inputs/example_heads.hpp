#pragma once
// The built-in examples with several heads: what a class sees when it turns up H and G.
#include <string>
#include <string_view>

#include "core/attention/heads.hpp"

namespace attnlab {

// H query heads over G KV heads (G dividing H) of the example `name`. Head 0 is the example itself.
// The sentence has four designed heads; other heads are seeded random ones at the example's sizes.
// KV head g carries the keys and values that its group's first query head was designed with, so
// query heads designed for other keys show what sharing them costs.
HeadsProblem example_heads(std::string_view name, Index heads, Index kv_heads);
// One line per designed head, for the window ("head 1: every token looks for the verbs").
std::string example_heads_description(std::string_view name, Index heads);

}  // namespace attnlab
