#include "model_registry.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "explorer.hpp"

namespace mh {

namespace {
std::vector<registered_model>& registry() {
  static std::vector<registered_model> models;
  return models;
}

constexpr std::array<std::pair<error, std::string_view>, 11> kErrorNames{{
    {error::none, "none"},
    {error::assertion, "assertion"},
    {error::data_race, "data_race"},
    {error::deadlock, "deadlock"},
    {error::livelock, "livelock"},
    {error::uninitialized_read, "uninitialized_read"},
    {error::mutex_misuse, "mutex_misuse"},
    {error::nondeterminism, "nondeterminism"},
    {error::exception, "exception"},
    {error::cross_process, "cross_process"},
    {error::os_misuse, "os_misuse"},
}};
}  // namespace

std::string_view to_string(error kind) {
  for (const auto& [k, name] : kErrorNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<error> error_from_string(std::string_view name) {
  for (const auto& [k, n] : kErrorNames)
    if (n == name) return k;
  return std::nullopt;
}

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::ok: return "ok";
    case verdict::error_found: return "error";
    case verdict::bound_reached: return "bound-reached";
  }
  return "unknown";
}

std::string to_string(memory_model model) { return model == memory_model::sc ? "sc" : "rc11"; }

std::string to_string(search_mode mode) {
  switch (mode) {
    case search_mode::optimal: return "optimal";
    case search_mode::random: return "random";
    case search_mode::bounded: return "bounded";
  }
  return "unknown";
}

bool register_model(registered_model model) {
  auto& models = registry();
  if (std::any_of(models.begin(), models.end(), [&](const auto& m) { return m.name == model.name; }))
    throw std::logic_error("two models named '" + model.name + "'");
  models.push_back(std::move(model));
  std::sort(models.begin(), models.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return true;
}

const std::vector<registered_model>& registered_models() { return registry(); }

const registered_model* find_model(std::string_view name) {
  for (const auto& m : registry())
    if (m.name == name) return &m;
  return nullptr;
}

check_result model_check(const std::function<void()>& body, const check_options& options) {
  if (check::active_explorer() != nullptr) throw std::logic_error("mh::model_check cannot run inside a model check");
  check::Explorer explorer(body, options);
  return explorer.run();
}

check_result check_model(std::string_view name, const check_options& options) {
  const registered_model* model = find_model(name);
  if (model == nullptr) throw std::invalid_argument("no model named '" + std::string(name) + "'");
  return model_check(model->body, options);
}

check_result check_model(std::string_view name) {
  const registered_model* model = find_model(name);
  if (model == nullptr) throw std::invalid_argument("no model named '" + std::string(name) + "'");
  return model_check(model->body, model->options);
}

}  // namespace mh
