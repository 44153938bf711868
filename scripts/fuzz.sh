#!/usr/bin/env bash
# Fuzzes every parser of outside input, one target after the other, each for a while (docs/operations.md, "Fuzzing").
#
#   scripts/fuzz.sh                 every target, 5 minutes each
#   scripts/fuzz.sh 30m             every target, 30 minutes each
#   scripts/fuzz.sh 2m 'ConfigFuzzTest#configuration'   one target
#
# A normal `./mvnw test` only replays each target's seed corpus (src/test/resources/io/tocsin/**/*FuzzTestInputs/).
# Here JAZZER_FUZZ=1 makes Jazzer mutate those seeds, guided by coverage. A crash stops that target: Jazzer writes
# the input as crash-<hash> into the target's Inputs directory, where every later build replays it; fix the
# parser, keep the file. Inputs that found new coverage go to .cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-5m}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    'PagerDutyEventFuzzTest#alertEvent'
    'PagerDutyEventFuzzTest#changeEvent'
    'AlertGroupFuzzTest#alertmanager'
    'AlertGroupFuzzTest#grafana'
    'GenericEventFuzzTest#event'
    'SlackInteractionFuzzTest#interaction'
    'TwilioCallbackFuzzTest#statusCallback'
    'TwilioCallbackFuzzTest#smsReply'
    'ConfigFuzzTest#configuration'
    'RoutingConditionFuzzTest#condition'
    'ScenarioFuzzTest#scenario'
  )
fi

# Jazzer guides by the coverage of Tocsin's own classes. To be guided inside the parsing libraries too, name them,
# e.g. JAZZER_INSTRUMENT='io.tocsin.**,tools.jackson.**,dev.cel.**' (each class is then instrumented as it loads:
# minutes before the first input on a busy machine).
instrument="${JAZZER_INSTRUMENT:-io.tocsin.**}"

./mvnw -q -B test-compile
failed=()
for target in "${targets[@]}"; do
  echo "== fuzzing ${target} for ${duration}"
  # Jazzer fuzzes one test method per JVM, so each target is its own run.
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${duration}" JAZZER_INSTRUMENT="${instrument}" ./mvnw -q -B surefire:test -Dtest="${target}" \
      -Dsurefire.failIfNoSpecifiedTests=false; then
    failed+=("${target}")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (the crashing inputs are in src/test/resources/io/tocsin/**/*FuzzTestInputs/)" >&2
  exit 1
fi
echo "no findings"
