#include "app/gui/model_source.hpp"

#include <chrono>

#include "app/gui/platform.hpp"
#include "app/gui/widgets.hpp"
#include "core/base/error.hpp"
#include "core/model/layer_problem.hpp"
#include "core/model/qk_norm.hpp"

namespace attnlab::gui {
namespace {

InputOptions model_options(const std::string& folder, const std::string& text) {
  InputOptions in;
  in.model = folder;
  in.tokens.text = text;
  return in;
}

}  // namespace

LoadedModel load_model_run(const std::string& folder, const std::string& text, const ModelProgress& progress) {
  if (folder.empty()) throw InputError("choose a model folder");
  LoadedModel model;
  model.folder = folder, model.text = text;
  model.run = std::make_shared<const ModelRun>(run_model(model_options(folder, text), progress, true));
  return model;
}

Ablation settings_ablation(const Settings& s, const ModelConfig& config) {
  if (s.ablate.empty()) return {};
  Ablation ablation = parse_ablation(s.ablate, s.ablate_mean ? "mean" : "zero");
  check_ablation(ablation, config);
  return ablation;
}

LoadedModel knock_out(const LoadedModel& model, const Settings& s, const ModelProgress& progress) {
  LoadedModel out = model;
  out.ablate = s.ablate, out.ablate_mean = s.ablate_mean, out.ablated.reset(), out.ablated_ms = 0;
  const Ablation ablation = settings_ablation(s, model.run->model.config);
  if (ablation.empty()) return out;
  const auto start = std::chrono::steady_clock::now();
  out.ablated =
      std::make_shared<const ForwardPass>(ablated_forward(model.run->model, model.run->pass, ablation, progress));
  out.ablated_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

LoadedModel start_on_model(const InputOptions& given, Settings& s) {
  // The window types sentences: --token-ids belong to the command line. Without --text it opens on
  // the lab's own sentence, ready for another to be typed.
  if (given.tokens.token_ids) throw InputError("the window takes a model's input as --text T, not --token-ids");
  InputOptions input = given;
  if (!input.tokens.text) input.tokens.text = default_model_text;
  check_model_options(input);
  if (input.ablate) parse_ablation(*input.ablate, input.ablation.value_or("zero"));  // before a weight is read
  s.source = Source::model, s.model_folder = input.model, s.model_text = *input.tokens.text;
  s.ablate = input.ablate.value_or(""), s.ablate_mean = input.ablation == "mean";
  if (platform::is_hub_model(input.model) && !platform::threads_available()) return {};
  LoadedModel model = knock_out(load_model_run(s.model_folder, s.model_text), s);
  start_settings(input, model.run->model.config, s);
  return model;
}

void start_settings(const InputOptions& input, const ModelConfig& config, Settings& s) {
  s.layer = static_cast<int>(model_layer(input, config));
  if (!input.mask_given) s.mask = layer_mask(config, s.layer).text();
  if (!input.scale_given) set_scale(s, layer_scale(config, s.layer));
  if (!input.softcap) own_softcap(config, s);
}

void follow_model(const ModelConfig& config, Settings& s) {
  if (s.layer < 0 || s.layer >= config.layers) s.layer = 0;
  s.mask = layer_mask(config, s.layer).text();
  set_scale(s, layer_scale(config, s.layer));
  own_softcap(config, s);
}

void own_softcap(const ModelConfig& config, Settings& s) {
  s.softcap_on = config.attn_logit_softcap.has_value();
  if (config.attn_logit_softcap) s.softcap = static_cast<float>(*config.attn_logit_softcap);
}

void follow_layer(Settings& s, int from, const LoadedModel& model) {
  const ModelRun* run = model.of(s);
  if (!run || from == s.layer) return;
  const ModelConfig& config = run->model.config;
  const auto in_range = [&](int layer) { return layer >= 0 && layer < config.layers; };
  if (!in_range(from) || !in_range(s.layer)) return;  // model_source() says what is wrong
  if (s.mask == layer_mask(config, from).text()) s.mask = layer_mask(config, s.layer).text();
  Settings own = s;
  set_scale(own, layer_scale(config, from));
  if (build_scale(s) == build_scale(own)) set_scale(s, layer_scale(config, s.layer));
}

namespace {

// A head's vector as the stepper writes it: every number of a small head, else the first four, and
// its rms, which the norm brings to about 1 (times the norm's weights).
void add_numbers(std::vector<std::string>& text, const char* side, const Eigen::RowVectorXf& x) {
  text.push_back(side);
  const Index shown = x.size() <= 8 ? x.size() : 4;
  for (Index d = 0; d < shown; ++d) text.push_back(printed("%.3g", static_cast<double>(x(d))));
  if (shown < x.size()) text.push_back("… (" + std::to_string(x.size()) + ")");
  text.push_back(printed("rms %.3g", std::sqrt(static_cast<double>(x.squaredNorm()) / static_cast<double>(x.size()))));
}

}  // namespace

std::vector<std::vector<std::string>> qk_norm_lines(const ModelRun& run, Index layer, Index head, Index query,
                                                    Index key, const std::string& key_label) {
  const Model& m = run.model;
  if (!has_qk_norm(m, layer)) return {};
  const Index g = head * m.config.kv_heads / m.config.heads;
  const NormedRow q = qk_norm_row(m, run.pass, layer, QKSide::query, head, query);
  const NormedRow k = qk_norm_row(m, run.pass, layer, QKSide::key, g, key);
  std::vector<std::string> q_text{"QK-norm, before RoPE: q"}, k_text{"k(" + key_label + ")"};
  add_numbers(q_text, "before", q.before);
  add_numbers(q_text, "→ after", q.after);
  add_numbers(k_text, "before", k.before);
  add_numbers(k_text, "→ after", k.after);
  return {q_text, k_text};
}

bool shows_qk_norm(const Settings& s, const LoadedModel& model) {
  const ModelRun* run = s.source == Source::model ? model.of(s) : nullptr;
  return run && has_qk_norm(run->model, s.layer);
}

std::string qk_norm_note(const Settings& s, const LoadedModel& model) {
  if (!shows_qk_norm(s, model)) return "";
  return s.qk_norm_before ? "q, k before the QK-norm" : "q, k after the QK-norm";
}

HeadsProblem model_source(const Settings& s, const LoadedModel& model) {
  const ModelRun* run = model.of(s);
  if (!run) throw InputError("the model " + s.model_folder + " is not loaded yet");
  InputOptions in = model_options(s.model_folder, s.model_text);
  in.layer = std::to_string(s.layer);
  const Index layer = model_layer(in, run->model.config);
  HeadsProblem p = layer_problem(run->model.config, model.pass(), layer, run->tokens.labels);
  if (s.qk_norm_before) {
    UnnormedQK unnormed = qk_without_norm(run->model, model.pass(), layer);
    if (!unnormed.q.empty()) p.q = std::move(unnormed.q), p.k = std::move(unnormed.k);
  }
  validate_heads(p);
  return p;
}

}  // namespace attnlab::gui
