#!/usr/bin/env bash
# The GitHub Action's step (action.yml): runs dockerize-slim over INPUT_PATHS, writes its markdown
# report to the job summary and a SARIF log to INPUT_SARIF_FILE, sets the outputs, and in check
# mode fails when a file would change or could not be read.
set -uo pipefail
case "${INPUT_MODE:-check}" in
  check | report) ;;
  *) echo "::error::mode must be check or report, not '${INPUT_MODE}'"; exit 2 ;;
esac
read -r -a paths <<<"${INPUT_PATHS:-.}"
read -r -a extra <<<"${INPUT_ARGS:-}"
sarif="${INPUT_SARIF_FILE:-dockerize-slim.sarif}"
report="${RUNNER_TEMP:-/tmp}/dockerize-slim-report.md"
mkdir -p "$(dirname "$sarif")"
node "$GITHUB_ACTION_PATH/bin/dockerize-slim.js" --format sarif --report "$report" "${extra[@]}" "${paths[@]}" >"$sarif"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  echo "::error::dockerize-slim could not process every file (exit $status); see the log above"
fi
[ -f "$report" ] && cat "$report" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
read -r changed skipped < <(node -e '
  const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const results = log.runs[0].results;
  const changed = results.filter((r) => r.properties && "finalImage" in r.properties).length;
  console.log(changed, results.length - changed);
' "$sarif")
{
  echo "changed=${changed:-0}"
  echo "skipped=${skipped:-0}"
  echo "sarif-file=$sarif"
} >>"${GITHUB_OUTPUT:-/dev/null}"
echo "dockerize-slim: ${changed:-0} Dockerfile(s) would change, ${skipped:-0} left unchanged; SARIF in $sarif"
if [ "${INPUT_MODE:-check}" = report ]; then exit 0; fi
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then exit 1; fi
if [ "${changed:-0}" -gt 0 ]; then
  echo "::error::${changed} Dockerfile(s) can be multi-stage and non-root: run dockerize-slim --write"
  exit 1
fi
