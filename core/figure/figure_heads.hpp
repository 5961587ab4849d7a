#pragma once
// Every head of a multi-head problem in one figure: one small heatmap of the stage per query head,
// in a grid about as wide as a slide, each labelled with its head and the KV head it reads, all on
// one colour scale so the heads compare; and a model's layers × heads (rows = layers), the model
// view. The same Figure model as the one-stage figure, drawn by the same PNG and SVG writers.
#include <optional>
#include <string>
#include <vector>

#include "core/attention/heads.hpp"
#include "core/figure/figure.hpp"

namespace attnlab {

// More heads than this make panels too small to read: export one head instead.
inline constexpr Index heads_grid_max = 128;
// A model view's panels are thumbnails: up to 32 layers × 32 heads.
inline constexpr Index layers_grid_max = 1024;

// "grouped-query attention: 8 heads over 2 KV heads" (multi-head when G = H, multi-query when G = 1).
std::string heads_description(Index heads, Index kv_heads);
// "head 2 of 8  ·  KV head 0 of 2": what the figure of one head of several adds to its title.
std::string head_heading(Index h, Index heads, Index kv_heads);

// Throws InputError for more than heads_grid_max heads.
void check_heads_grid(Index heads);

// One traces[h] per query head of `problem`. Throws InputError as build_figure does (width, query,
// colormap, a figure too large) and as check_heads_grid does.
// options.heading, when given, leads the line that says the heads.
Figure build_heads_figure(const HeadsProblem& problem, const std::vector<Trace>& traces, const FigureOptions& options,
                          const Font& font);

// Throws InputError for more than layers_grid_max panels.
void check_layers_grid(Index panels);
// Every head: one row per layer, columns = heads (the model view). One `head`: a panel per layer in
// a grid shaped for a slide. traces[ℓ][h] is layer ℓ's head h; every layer has the same heads and tokens.
// options.heading leads the line that says what the panels are.
Figure build_layers_figure(const std::vector<HeadsProblem>& layers, const std::vector<std::vector<Trace>>& traces,
                           std::optional<Index> head, const FigureOptions& options, const Font& font);

}  // namespace attnlab
