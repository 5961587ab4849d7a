#include "core/model/ablation.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "core/base/quote.hpp"

namespace attnlab {
namespace {

// "12" → 12: decimal digits only, no sign, no spaces.
bool whole(std::string_view text, Index& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && text.front() != '-' && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool Ablation::has(Index layer, Index head) const {
  return std::find(heads.begin(), heads.end(), HeadRef{layer, head}) != heads.end();
}

bool Ablation::in_layer(Index layer) const {
  return std::any_of(heads.begin(), heads.end(), [layer](const HeadRef& h) { return h.layer == layer; });
}

Index Ablation::first_layer() const {
  Index first = heads.empty() ? 0 : heads.front().layer;
  for (const HeadRef& h : heads) first = std::min(first, h.layer);
  return first;
}

Ablation parse_ablation(std::string_view list, std::string_view mode) {
  Ablation ablation;
  if (mode == "mean") ablation.mode = AblationMode::mean;
  else if (mode != "zero")
    throw InputError("--ablation '" + excerpt(mode) + "' is not a way to knock a head out: zero or mean");
  std::size_t at = 0;
  do {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    const std::string_view item = list.substr(at, comma - at);
    const std::size_t dot = item.find('.');
    HeadRef head;
    if (dot == std::string_view::npos || !whole(item.substr(0, dot), head.layer) ||
        !whole(item.substr(dot + 1), head.head))
      throw InputError("--ablate '" + excerpt(item) + "' is not a head: give LAYER.HEAD, e.g. 1.2 (list: 0.2,1.0)");
    if (ablation.has(head.layer, head.head)) throw InputError("--ablate lists head " + std::string(item) + " twice");
    ablation.heads.push_back(head);
    at = comma + 1;
  } while (at <= list.size());
  return ablation;
}

void check_ablation(const Ablation& ablation, const ModelConfig& c) {
  for (const HeadRef& h : ablation.heads) {
    const std::string item = std::to_string(h.layer) + "." + std::to_string(h.head);
    if (h.layer >= c.layers)
      throw InputError("--ablate " + item + ": layer " + std::to_string(h.layer) + " is out of range: the model has " +
                       std::to_string(c.layers) + " layers (0 to " + std::to_string(c.layers - 1) + ")");
    if (h.head >= c.heads)
      throw InputError("--ablate " + item + ": head " + std::to_string(h.head) + " is out of range: the model has " +
                       std::to_string(c.heads) + " heads per layer (0 to " + std::to_string(c.heads - 1) + ")");
  }
}

void ablate_heads(Matrix& attended, const Ablation& ablation, Index layer, Index hd) {
  for (const HeadRef& h : ablation.heads) {
    if (h.layer != layer) continue;
    auto columns = attended.middleCols(h.head * hd, hd);
    if (ablation.mode == AblationMode::zero) {
      columns.setZero();
      continue;
    }
    const Eigen::RowVectorXf mean = columns.colwise().mean();
    columns.rowwise() = mean;
  }
}

}  // namespace attnlab
