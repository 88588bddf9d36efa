#!/usr/bin/env bash
# Run the test suite as if the clock said WHEN, to find tests that only pass on some
# days: a fixed date that has since passed, a job run on the real clock just after a
# member's midnight, a daylight-saving switch.
#
#   scripts/test_at.sh '2027-03-28 00:59:00' [pytest args]      (or: make test-at WHEN=…)
#
# libfaketime (Debian: `apt-get install faketime`) moves the clock of this process and of
# everything it starts, so Postgres and Redis run on their own copy under
# var/clock-<WHEN> and share the faked clock with Django. The clock starts at WHEN and
# ticks; Chromium, started by the browser journeys, reads the same clock. Left out: one
# test whose timed thread join never returns under libfaketime.
set -euo pipefail
cd "$(dirname "$0")/.."

when=${1:?usage: scripts/test_at.sh 'YYYY-MM-DD hh:mm:ss' [pytest args]}
shift
command -v faketime >/dev/null || { echo "needs faketime: apt-get install faketime" >&2; exit 2; }

slug=$(printf '%s' "$when" | tr -c '0-9' '-')
var_dir="var/clock-$slug"
mkdir -p "$var_dir"
# The vendored assets (`make assets`) live under the var directory.
if [ -d var/vendor ] && [ ! -d "$var_dir/vendor" ]; then cp -r var/vendor "$var_dir/"; fi

export ASTN_VAR_DIR="$PWD/$var_dir" ASTN_TEST_DB="test_clock"
exec faketime "$when" .venv/bin/python -m astn.devservices exec -- .venv/bin/pytest \
  -p no:cacheprovider \
  --deselect tests/crm/test_dashboard.py::test_a_refresh_waiting_on_a_writer_counts_what_the_writer_committed \
  "$@"
