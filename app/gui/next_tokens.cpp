#include "app/gui/next_tokens.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/gui/layout_audit.hpp"
#include "app/gui/widgets.hpp"
#include "core/model/next_tokens.hpp"

namespace attnlab::gui {
namespace {

constexpr int shown = 5;
constexpr double least = 0.005;  // below this a row would read 0 %: left out

// The softmax of the logits at any id, in float64.
struct Softmax {
  const Eigen::VectorXf& logits;
  double top = 0, sum = 0;
  explicit Softmax(const Eigen::VectorXf& l) : logits(l) {
    top = static_cast<double>(l.maxCoeff());
    for (Index i = 0; i < l.size(); ++i) sum += std::exp(static_cast<double>(l(i)) - top);
  }
  double operator()(Index id) const { return std::exp(static_cast<double>(logits(id)) - top) / sum; }
};

std::string title(const ModelRun& run, Index query, const LoadedModel& model) {
  const bool last = query + 1 == static_cast<Index>(run.tokens.ids.size());
  std::string text = "next token after “" + run.tokens.labels[static_cast<std::size_t>(query)] + "”" +
                     (last ? "" : " (token " + std::to_string(query) + ")");
  if (!model.ablated) return text + ":";
  const Index first = parse_ablation(model.ablate, "zero").first_layer();
  return text + printed(", heads %s knocked out (%s): recomputed from layer %lld in %.1f ms", model.ablate.c_str(),
                        model.ablate_mean ? "mean" : "zero", static_cast<long long>(first), model.ablated_ms);
}

// The likeliest tokens, wrapping at the panel's edge.
void plain(const ModelRun& run, const Eigen::VectorXf& logits) {
  Flow flow;
  for (const NextToken& t : top_next_tokens(logits, shown)) {
    if (t.probability < least) break;
    const std::string text =
        printed("'%s' %.0f%%", token_label(run.tokenizer_or_null(), t.id).c_str(), 100 * t.probability);
    flow.next(text_width(text));
    ImGui::TextUnformatted(text.c_str());
    audit_item("next.token");
  }
}

// Before → after for the likeliest tokens of either.
void compared(const ModelRun& run, const Eigen::VectorXf& before_logits, const Eigen::VectorXf& after_logits) {
  const Softmax before(before_logits), after(after_logits);
  std::vector<Index> ids;
  for (const Eigen::VectorXf* logits : {&after_logits, &before_logits})
    for (const NextToken& t : top_next_tokens(*logits, shown))
      if (std::find(ids.begin(), ids.end(), t.id) == ids.end()) ids.push_back(t.id);
  // The largest either way first: the token that lost most is news too.
  std::stable_sort(ids.begin(), ids.end(),
                   [&](Index a, Index b) { return std::max(before(a), after(a)) > std::max(before(b), after(b)); });
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX;
  if (!ImGui::BeginTable("next", 4, flags)) return;
  for (const char* heading : {"token", "before", "after", "change"}) ImGui::TableSetupColumn(heading);
  ImGui::TableHeadersRow();
  for (const Index id : ids) {
    const double b = before(id), a = after(id);
    if (b < least && a < least) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("'%s'", token_label(run.tokenizer_or_null(), id).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.1f%%", 100 * b);
    ImGui::TableNextColumn();
    ImGui::Text("→ %.1f%%", 100 * a);
    ImGui::TableNextColumn();
    const double change = 100 * (a - b);
    // Blue up, orange down (Okabe–Ito): told apart by those who cannot tell red from green.
    const ImVec4 colour = change >= 0 ? ImVec4(0.34f, 0.71f, 0.91f, 1) : ImVec4(0.90f, 0.62f, 0.0f, 1);
    ImGui::TextColored(colour, "%+.1f pts", change);
    audit_item("next.row");
  }
  ImGui::EndTable();
}

}  // namespace

void draw_next_tokens(AppState& app) {
  const ModelRun* run = app.model.of(app.applied);
  if (!run || app.applied.source != Source::model) return;
  const LoadedModel& model = app.model;
  const Index last = static_cast<Index>(run->tokens.ids.size()) - 1;
  const Index query = std::clamp<Index>(app.settings.query, 0, last);
  // After the last token the pass has the logits; after another, a pass over the text up to it.
  const Eigen::VectorXf* before = &run->pass.logits;
  const Eigen::VectorXf* after = model.ablated ? &model.pass().logits : nullptr;
  if (query < last) {
    const Prediction* p = current_prediction(app.jobs, model, query, app.scripted);
    if (!p || !p->error.empty()) {
      ImGui::TextDisabled("%s", p ? p->error.c_str() : "next token: computing …");
      return;
    }
    before = &p->before, after = p->after ? &*p->after : nullptr;
  }
  wrapped_text("next.title", title(*run, query, model));
  if (after) compared(*run, *before, *after);
  else plain(*run, *before);
}

}  // namespace attnlab::gui
