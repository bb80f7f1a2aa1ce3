// Result records both report test files use, as docs/results.md writes them.
#pragma once

namespace mh::testing {

// SB on the cores under x86-TSO: the weak outcome (both loads 0) observed 7
// times in 1000, allowed by TSO and not by SC.
constexpr const char* kHwSbWeak = R"json({
  "kind": "litmus-hw", "name": "SB", "file": "x86/SB.litmus", "arch": "X86",
  "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "model": "tso", "verdict": "pass",
  "expectation": { "forbidden_states_observed": 0, "source": "every observed state allowed by the host's model" },
  "evidence": { "mode": "barrier", "seconds": 0.5, "iterations": 1000, "positive": 7, "negative": 993,
    "histogram": [
      { "state": { "0:EAX": "0", "1:EAX": "0" }, "count": 7, "satisfies": true, "allowed": true, "allowed_by_sc": false },
      { "state": { "0:EAX": "1", "1:EAX": "1" }, "count": 993, "satisfies": false, "allowed": true, "allowed_by_sc": true }
    ] } })json";

// peterson_acq_rel: the data race it is registered to show, found, with a
// two-event trace.
constexpr const char* kModelCheckTrace = R"json({
  "kind": "model-check", "name": "peterson_acq_rel", "model": "rc11", "mode": "optimal", "expected": "data_race",
  "verdict": "error", "error": "data_race", "message": "data race on flag", "executions": 1, "blocked": 0,
  "seconds": 0.001, "replay_id": "o:2", "meets": true,
  "trace": { "error": "data_race", "message": "data race on flag", "replay_id": "o:2",
    "events": [
      { "number": 1, "thread": 0, "operation": "start", "order": "", "location": "", "value": "",
        "read_from": "", "source": "" },
      { "number": 2, "thread": 1, "operation": "store", "order": "release", "location": "flag", "value": "1",
        "read_from": "", "source": "peterson.cpp:40" } ],
    "relations": [ { "location": "flag", "modification_order": ["init#1", "#2"], "reads_from": [] } ] } })json";

}  // namespace mh::testing
