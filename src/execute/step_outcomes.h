// Small helpers the StepRunner's two source files (step_runner.cc: launch and drain steps;
// step_runner_teardown.cc: the rest and every undo) share. Not for other callers.
#pragma once

#include <string>
#include <utility>

#include "engines/recommendation.h"
#include "execute/step_runner.h"

namespace cloudoptim::step_outcomes {

inline StepOutcome Done(std::string result) { return {StepOutcome::kDone, std::move(result)}; }
inline StepOutcome Failed(std::string why) { return {StepOutcome::kFailed, std::move(why)}; }

// An action parameter; "" when the action does not have it.
inline std::string Param(const Action& action, const std::string& key) {
  auto it = action.parameters.find(key);
  return it == action.parameters.end() ? "" : it->second;
}

}  // namespace cloudoptim::step_outcomes
