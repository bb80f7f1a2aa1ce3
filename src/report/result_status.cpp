#include "report/result_status.hpp"

#include <fmt/format.h>

namespace mh::report {

namespace {

using nlohmann::json;

std::string text_or(const json& value, const std::string& fallback) {
  return value.is_string() ? value.get<std::string>() : fallback;
}

bool weak_outcome_observed(const json& record) {
  for (const auto& entry : record["evidence"].value("histogram", json::array()))
    if (entry.value("count", 0.0) > 0 && entry["allowed"] == true && entry["allowed_by_sc"] == false)
      return true;
  return false;
}

}  // namespace

std::string state_text(const json& state) {
  std::string text;
  for (const auto& [location, value] : state.items())  // nlohmann keeps object keys sorted
    text += fmt::format("{}{}={}", text.empty() ? "" : "; ", location, text_or(value, value.dump()));
  return text.empty() ? "(no observed locations)" : text;
}

Status record_status(const json& record) {
  const std::string kind = record.value("kind", "");
  const std::string verdict = record.value("verdict", "");
  if (kind == "litmus-model") {
    if (verdict == "fail") return Status::fail;
    if (verdict == "too-large" || verdict == "not-run") return Status::unsettled;
    return Status::pass;  // pass, or checked with nothing expected
  }
  if (kind == "litmus-hw") {
    if (verdict == "fail") return Status::fail;
    if (verdict == "unjudged") return Status::warning;
    if (verdict == "skipped") return Status::skipped;
    return weak_outcome_observed(record) ? Status::interesting : Status::pass;
  }
  if (kind == "model-check") {
    if (verdict == "not-run") return Status::unsettled;
    if (!record.value("meets", false)) return Status::fail;
    return verdict == "error" ? Status::interesting : Status::pass;
  }
  if (kind == "stress") {
    if (verdict == "fail") return Status::fail;
    if (verdict == "not-run") return Status::unsettled;
    if (verdict == "not-found") return Status::warning;
    return verdict == "found" ? Status::interesting : Status::pass;
  }
  if (kind == "tsan") {
    if (verdict == "fail") return Status::fail;
    if (verdict == "not-run") return Status::unsettled;
    return record.value("differs_from_model", false) ? Status::interesting : Status::pass;
  }
  return Status::fail;
}

const char* status_word(Status status) {
  switch (status) {
    case Status::fail:
      return "fail";
    case Status::unsettled:
      return "unsettled";
    case Status::warning:
      return "warning";
    case Status::skipped:
      return "skipped";
    case Status::interesting:
      return "interesting";
    case Status::pass:
      return "pass";
  }
  return "fail";
}

std::string status_reason(const json& record) {
  const std::string kind = record.value("kind", "");
  const std::string verdict = record.value("verdict", "");
  if (kind == "litmus-model") {
    const json& evidence = record["evidence"];
    if (verdict == "too-large") return "too large to check: " + text_or(evidence["too_large"], "");
    if (verdict == "not-run") return "not run: the budget ran out first";
    const json& expectation = record["expectation"];
    std::string seen =
        fmt::format("{} {}{}", record.value("model", ""), text_or(evidence["observation"], "?"),
                    evidence.value("undefined", false) ? ", data race" : "");
    if (!expectation.is_object()) return seen + " (nothing expected)";
    return fmt::format("{}; expected {}{} ({})", seen, text_or(expectation["observation"], "?"),
                       expectation.value("undefined", false) ? ", data race" : "",
                       text_or(expectation["source"], "no source"));
  }
  if (kind == "litmus-hw") {
    const json& evidence = record["evidence"];
    if (verdict == "skipped") return "skipped: " + text_or(evidence["skipped"], "");
    if (evidence.contains("hang")) return "hung: " + evidence["hang"].dump();
    if (evidence.contains("coherence_violation"))
      return "coherence violation: " + evidence["coherence_violation"].dump();
    std::string forbidden, weak;
    for (const auto& entry : evidence.value("histogram", json::array())) {
      if (entry.value("count", 0.0) <= 0) continue;
      const std::string line = fmt::format("{} ({}x)", state_text(entry["state"]), entry["count"].dump());
      if (entry["allowed"] == false)
        forbidden += (forbidden.empty() ? "" : ", ") + line;
      else if (entry["allowed"] == true && entry["allowed_by_sc"] == false)
        weak += (weak.empty() ? "" : ", ") + line;
    }
    const std::string where =
        fmt::format("{} mode, {} iterations", text_or(evidence["mode"], "?"), evidence["iterations"].dump());
    if (!forbidden.empty())
      return fmt::format("forbidden by {} and observed: {}; {}", record.value("model", "?"), forbidden,
                         where);
    if (verdict == "unjudged") return "not judged: the model could not enumerate the test; " + where;
    if (!weak.empty()) return fmt::format("weak outcome observed: {}; {}", weak, where);
    return "every observed state allowed by " + record.value("model", "?") + "; " + where;
  }
  if (kind == "model-check") {
    if (verdict == "not-run") return "not run: the budget ran out first";
    std::string seen = verdict == "error" ? "error " + text_or(record["error"], "?") : verdict;
    std::string line = fmt::format("expected {}, got {}", record.value("expected", "?"), seen);
    if (record["message"].is_string()) line += ": " + record["message"].get<std::string>();
    return line;
  }
  if (kind == "stress") {
    if (record["error"].is_string()) return "error: " + record["error"].get<std::string>();
    const json& first = record["first_failure"];
    if (first.is_object())
      return fmt::format("{} ({} violation{}), first after {:.3f} s", text_or(first["kind"], "violation"),
                         record["violations"].dump(), record["violations"] == 1 ? "" : "s",
                         first.value("at_seconds", 0.0));
    if (verdict == "not-found")
      return "hunted bug not seen within the budget (a warning: this hardware may not show it)";
    if (verdict == "not-run") return "not run: the budget left it less than 0.1 s";
    if (verdict == "clean") return "hunted on other hardware; clean here, as expected";
    return fmt::format("no violation in {} operations", record["operations"].dump());
  }
  if (kind == "tsan") {
    if (verdict == "not-run") return "not run: the budget ran out first";
    std::string line =
        fmt::format("expected {}, TSan {}", record.value("expected", "?"), record.value("observed", "?"));
    const std::string blind_spot = text_or(record["blind_spot"], "");
    if (!blind_spot.empty())
      line += fmt::format(" (blind spot {}: the model says {})", blind_spot, record.value("model", "?"));
    if (record["error"].is_string()) line += ": " + record["error"].get<std::string>();
    return line;
  }
  return "unknown kind";
}

}  // namespace mh::report
