#include "core/figure/figure_heads.hpp"

#include "core/figure/figure_grid.hpp"
#include "core/figure/figure_parts.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab {
namespace {

using figure_parts::kDot;

std::string heads_word(Index n) {
  return std::to_string(n) + (n == 1 ? " head" : " heads");
}

}  // namespace

std::string heads_description(Index heads, Index kv_heads) {
  if (kv_heads == heads) return "multi-head attention: " + heads_word(heads) + ", each with its own K and V";
  if (kv_heads == 1) return "multi-query attention: " + heads_word(heads) + " share one K and V";
  return "grouped-query attention: " + heads_word(heads) + " over " + std::to_string(kv_heads) + " KV heads, " +
         std::to_string(heads / kv_heads) + " per KV head";
}

std::string head_heading(Index h, Index heads, Index kv_heads) {
  return "head " + std::to_string(h) + " of " + std::to_string(heads) + kDot + "KV head " +
         std::to_string(kv_head(h, heads, kv_heads)) + " of " + std::to_string(kv_heads);
}

void check_heads_grid(Index heads) {
  if (heads > heads_grid_max)
    throw InputError("a grid of " + std::to_string(heads) + " heads is too large to read (at most " +
                     std::to_string(heads_grid_max) + "): give --head h to draw one of them");
}

Figure build_heads_figure(const HeadsProblem& hp, const std::vector<Trace>& traces, const FigureOptions& o,
                          const Font& font) {
  figure_parts::check_width(o.width);
  check_heads_grid(hp.heads());
  if (static_cast<Index>(traces.size()) != hp.heads())
    throw RunError(std::to_string(traces.size()) + " traces for " + heads_word(hp.heads()));
  const Index heads = hp.heads(), kv_heads = hp.kv_heads();
  // A panel's title: "head 5 · KV head 1", or shorter for narrow panels: "head 5 · KV 1", "h5 · KV 1".
  // With a sink per head, the longer titles name each head's: "head 5 · KV head 1 · sink 0.3".
  const bool sink_per_head = hp.sinks.size() > 1;
  std::vector<GridPanel> panels;
  for (Index h = 0; h < heads; ++h) {
    const std::string head = std::to_string(h), kv = std::to_string(kv_head(h, heads, kv_heads));
    const std::string sink =
        sink_per_head ? " \u00b7 sink " + short_value(hp.sinks[static_cast<std::size_t>(h)]) : std::string();
    panels.push_back({&traces[static_cast<std::size_t>(h)],
                      "head " + head,
                      {"head " + head + " \u00b7 KV head " + kv + sink, "head " + head + " \u00b7 KV " + kv + sink,
                       "head " + head + " \u00b7 KV " + kv, "h" + head + " \u00b7 KV " + kv}});
  }
  const std::string description = (o.heading.empty() ? "" : o.heading + kDot) + heads_description(heads, kv_heads);
  // The first head gives the shapes, scale, mask and tokens every head shares.
  GridLayout layout{0, {}, description, "heads", false, ""};
  layout.sink_per_head = sink_per_head;
  return build_grid_figure(head_problem(hp, 0), panels, layout, o, font);
}

void check_layers_grid(Index panels) {
  if (panels > layers_grid_max)
    throw InputError("a grid of " + std::to_string(panels) + " layers × heads is too large to draw (at most " +
                     std::to_string(layers_grid_max) + " panels): give --layer N or --head h");
}

Figure build_layers_figure(const std::vector<HeadsProblem>& layers, const std::vector<std::vector<Trace>>& traces,
                           std::optional<Index> head, const FigureOptions& o, const Font& font) {
  figure_parts::check_width(o.width);
  if (layers.empty() || traces.size() != layers.size()) throw RunError("a grid of layers needs each layer's traces");
  const Index heads = layers.front().heads(), kv_heads = layers.front().kv_heads();
  check_layers_grid(static_cast<Index>(layers.size()) * (head ? 1 : heads));
  // Every head: one row per layer, titled at the left, the heads' numbers heading the columns. One
  // head: a panel per layer, titled, in a grid shaped for a slide.
  std::vector<GridPanel> panels;
  std::vector<std::string> rows;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const std::string layer = "layer " + std::to_string(l);
    if (head) {
      panels.push_back({&traces[l][static_cast<std::size_t>(*head)], layer, {layer, "L" + std::to_string(l)}});
      continue;
    }
    rows.push_back(layer);
    for (Index h = 0; h < heads; ++h) {
      const std::string hs = std::to_string(h);
      panels.push_back({&traces[l][static_cast<std::size_t>(h)], layer + " head " + hs, {"head " + hs, "h" + hs, hs}});
    }
  }
  const std::string what =
      head ? "every layer of " + head_heading(*head, heads, kv_heads)
           : "layers (rows) \u00d7 heads (columns)" + std::string(kDot) + heads_description(heads, kv_heads);
  const std::string description = (o.heading.empty() ? "" : o.heading + kDot) + what;
  GridLayout layout{head ? 0 : heads, rows, description, head ? "layers" : "panels", false, ""};
  for (const HeadsProblem& layer : layers) layout.sink_per_head = layout.sink_per_head || layer.sinks.size() > 1;
  const Problem first = head_problem(layers.front(), head.value_or(0));
  // The model's input as it reads: its tokens joined (a word's leading space is its own).
  for (const std::string& token : first.query_tokens) layout.sentence += token;
  Figure f = build_grid_figure(first, panels, layout, o, font);
  // Thumbnails: in an SVG each is one image, not a rect per cell (a model's grid would be megabytes).
  for (FigureHeatmap& h : f.heatmaps) h.as_image = true;
  return f;
}

}  // namespace attnlab
