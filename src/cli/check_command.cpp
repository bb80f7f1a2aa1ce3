#include "cli/check_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "cli/json_output.hpp"
#include "cli/option_checks.hpp"
#include "check/model_registry.hpp"
#include "cli/duration.hpp"
#include "cli/model_suite.hpp"
#include "report/litmus_json.hpp"
#include "report/model_check_json.hpp"

namespace mh::cli {

namespace {

// The spellings the command accepts are its own contract (docs/check-command.md),
// not whatever mh::to_string prints.
mh::memory_model parse_memory_model(const std::string& name) {
  if (name == "rc11") return mh::memory_model::rc11;
  if (name == "sc") return mh::memory_model::sc;
  throw std::invalid_argument("--model '" + name + "' is not a memory model (rc11, sc)");
}

mh::search_mode parse_search_mode(const std::string& name) {
  if (name == "optimal") return mh::search_mode::optimal;
  if (name == "random") return mh::search_mode::random;
  if (name == "bounded") return mh::search_mode::bounded;
  throw std::invalid_argument("--mode '" + name + "' is not a search mode (optimal, random, bounded)");
}

// A model's registered options with the flags the user passed laid over
// them; a flag not passed leaves the model's own choice alone. Throws
// std::invalid_argument naming the flag on a bad value.
mh::check_options apply_overrides(mh::check_options options, const CheckCommandOptions& flags) {
  if (flags.memory_model) options.model = parse_memory_model(*flags.memory_model);
  if (flags.mode) options.mode = parse_search_mode(*flags.mode);
  if (flags.seed) options.seed = *flags.seed;
  if (flags.preemption_bound) {
    if (*flags.preemption_bound < 0)
      throw std::invalid_argument(fmt::format("--bound {} is negative", *flags.preemption_bound));
    options.preemption_bound = *flags.preemption_bound;
  }
  if (flags.max_executions) options.max_executions = *flags.max_executions;
  if (flags.max_steps_per_thread) {
    if (*flags.max_steps_per_thread == 0) throw std::invalid_argument("--max-steps must be at least 1");
    options.max_steps_per_thread = *flags.max_steps_per_thread;
  }
  if (flags.time_limit) {
    const double seconds = parse_duration_seconds(*flags.time_limit);
    if (seconds < 0)
      throw std::invalid_argument("--time-limit '" + *flags.time_limit +
                                  "' is not a duration (e.g. 90s, 2m, 1500ms)");
    options.time_limit_seconds = seconds;
  }
  if (flags.replay) {
    if (flags.replay->empty()) throw std::invalid_argument("--replay needs an execution id");
    options.replay = *flags.replay;
    // The user asked to see this execution, error or not.
    options.trace_ok_execution = true;
  }
  return options;
}

// The models the command names, in the order given (each once), or every
// registered model by name. Prints the unknown name and returns nullopt.
std::optional<std::vector<const mh::registered_model*>> select_models(const std::vector<std::string>& names) {
  if (names.empty()) return registered_models_by_name();
  std::vector<const mh::registered_model*> selected;
  for (const auto& name : names) {
    const mh::registered_model* model = mh::find_model(name);
    if (model == nullptr) {
      std::cerr << "memharness: unknown model '" << name << "' (see memharness check --list)\n";
      return std::nullopt;
    }
    if (std::find(selected.begin(), selected.end(), model) == selected.end()) selected.push_back(model);
  }
  return selected;
}

std::size_t widest_name(const std::vector<const mh::registered_model*>& models) {
  std::size_t width = 0;
  for (const auto* model : models) width = std::max(width, model->name.size());
  return width;
}

// The protocol or algorithm a model is a variant of: its source file's name.
std::string family_of(const mh::registered_model& model) {
  return std::filesystem::path(model.file).stem().string();
}

struct TableWidths {
  std::size_t family = std::string_view("model").size();
  std::size_t variant = std::string_view("variant").size();
  std::size_t expected = std::string_view("expected").size();
  std::size_t verdict = std::string_view("bound reached").size();
};

std::size_t widest_expectation(const std::vector<const mh::registered_model*>& models) {
  std::size_t width = 2;  // "ok"
  for (const auto* model : models) width = std::max(width, report::expected_name(model->expected).size());
  return width;
}

void print_list(const std::vector<const mh::registered_model*>& models) {
  const std::size_t name_width = widest_name(models);
  const std::size_t expected_width = widest_expectation(models);
  for (const auto* model : models) {
    std::string line =
        fmt::format("{:<{}}  {:<{}}  {}", model->name, name_width, report::expected_name(model->expected),
                    expected_width, model->description);
    line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks when there is no description
    std::cout << line << "\n";
  }
}

TableWidths table_widths(const std::vector<const mh::registered_model*>& models) {
  TableWidths w;
  for (const auto* model : models) {
    w.family = std::max(w.family, family_of(*model).size());
    w.variant = std::max(w.variant, model->name.size());
    w.expected = std::max(w.expected, report::expected_name(model->expected).size());
  }
  return w;
}

std::string table_header(const TableWidths& w) {
  return fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}", "model", w.family, "variant", w.variant, "expected",
                     w.expected, "verdict", w.verdict, "executions, time");
}

// `peterson  peterson_seq_cst  ok  ok  12 executions (8 blocked)  0.001 s`:
// the model's family (its source file), the variant (the name to check it
// by), what it is registered to exhibit, what the search found.
std::string result_line(const mh::registered_model& model, const mh::check_result& result, const TableWidths& w) {
  const std::string blocked = result.blocked > 0 ? fmt::format(" ({} blocked)", result.blocked) : "";
  return fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {} execution{}{}  {:.3f} s", family_of(model), w.family,
                     model.name, w.variant, report::expected_name(model.expected), w.expected,
                     outcome_text(result), w.verdict, result.executions, result.executions == 1 ? "" : "s", blocked,
                     result.seconds);
}


}  // namespace

int run_check_command(const CheckCommandOptions& options) {
  // Everything is validated before the first check, so exit 2 means nothing
  // ran and nothing was written.
  const auto selected = select_models(options.models);
  if (!selected) return 2;
  std::vector<const mh::registered_model*> models = *selected;
  // Every model: grouped by family, then by name. Named ones: as given.
  if (options.models.empty())
    std::stable_sort(models.begin(), models.end(),
                     [](const auto* a, const auto* b) { return family_of(*a) < family_of(*b); });
  if (options.list) {
    print_list(models);
    return 0;
  }
  if (options.replay && options.models.size() != 1) {
    std::cerr << "memharness: --replay replays one execution of one model: name exactly one model\n";
    return 2;
  }
  try {
    (void)apply_overrides(mh::check_options{}, options);
  } catch (const std::invalid_argument& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return 2;
  }
  if (!options.json.empty() && !json_path_writable(options.json)) return 2;
  if (models.empty()) {
    std::cerr << "memharness: no models are registered\n";
    return 0;
  }

  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const TableWidths widths = table_widths(models);
  std::cout << table_header(widths) << "\n";
  nlohmann::json records = nlohmann::json::array();
  std::vector<std::string> differences;
  double total_seconds = 0;
  for (std::size_t i = 0; i < models.size(); ++i) {
    const mh::registered_model& model = *models[i];
    const mh::check_options check_options = apply_overrides(model.options, options);
    if (terminal)
      std::cerr << fmt::format("\r\033[Kcheck [{}/{}] {}", i + 1, models.size(), model.name) << std::flush;
    mh::check_result result;
    try {
      result = mh::check_model(model.name, check_options);
    } catch (const std::invalid_argument& error) {
      // The engine rejects a malformed execution id: bad input, and with
      // one model nothing has been printed yet.
      if (!options.replay) throw;
      if (terminal) std::cerr << "\r\033[K";
      std::cerr << "memharness: --replay '" << *options.replay << "': " << error.what() << "\n";
      return 2;
    }
    if (terminal) std::cerr << "\r\033[K" << std::flush;

    std::cout << result_line(model, result, widths) << "\n";
    const bool as_expected = report::meets(model.expected, result);
    // A trace says what happened itself; otherwise the engine's note (which
    // bound stopped the search, or that a random or bounded search was not
    // exhaustive) goes under the line. The traces of expected errors only
    // when asked for: by --traces, or by naming the models.
    const bool show_trace = !as_expected || options.traces || !options.models.empty();
    if (result.trace && show_trace)
      std::cout << mh::check::format_trace(*result.trace) << "\n";
    else if (!result.message.empty())
      std::cout << "  " << result.message << "\n";
    std::cout << std::flush;
    if (!as_expected)
      differences.push_back(fmt::format("{}: expected {}, got {}{}", model.name,
                                        report::expected_name(model.expected), outcome_text(result),
                                        result.message.empty() ? "" : " (" + result.message + ")"));
    total_seconds += result.seconds;
    records.push_back(report::model_check_result(model, check_options, result));
  }

  if (models.size() > 1)
    std::cout << fmt::format("{} models: {} as expected, {} differ, {:.3f} s\n", models.size(),
                             models.size() - differences.size(), differences.size(), total_seconds);
  for (const auto& line : differences) std::cerr << line << "\n";
  if (!write_json_output(options.json, records)) return 2;
  return differences.empty() ? 0 : 1;
}

}  // namespace mh::cli
