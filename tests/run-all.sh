#!/bin/bash
# run-all.sh - run the test suites, keep everything they produce in one
# timestamped directory, and end with "N passed, N failed".
#
# Usage: tests/run-all.sh RUNS_DIR IMAGES_DIR SUITE...
#   a SUITE is a test script, with its options after colons
#   (tests/kdump.sh:-a:5:-s), called as SCRIPT [OPTIONS] RUN_DIR
#   IMAGES_DIR; it prints TAP, kept in RUN_DIR/<name>.tap
set -eu

runs=$1
images=$2
shift 2
run_dir=$runs/$(date +%Y%m%d-%H%M%S)-check
mkdir -p "$run_dir"
passed=0
failed=0
suite_n=0

for suite in "$@"; do
	IFS=: read -r -a spec <<<"$suite"
	name=$(basename "${spec[0]}" .sh)$(printf '%s' "${spec[@]:1}" | tr -c 'a-zA-Z0-9' '_')
	suite_n=$((suite_n + 1))
	start=$(date +%s)
	echo "# suite $name"
	rc=0
	"${spec[@]}" "$run_dir" "$images" >"$run_dir/$name.tap" 2>&1 || rc=$?
	sed 's/^/    /' "$run_dir/$name.tap"
	p=$(grep -c '^ok ' "$run_dir/$name.tap" || true)
	f=$(grep -c '^not ok ' "$run_dir/$name.tap" || true)
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" = 0 ] && [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
		echo "ok $suite_n - $name ($((`date +%s` - start))s)"
	else
		# a suite that died, or ran nothing, counts as a failure
		[ "$f" = 0 ] && failed=$((failed + 1))
		echo "not ok $suite_n - $name (exit $rc, $((`date +%s` - start))s)"
	fi
done
echo "1..$suite_n"
echo "# artefacts: $run_dir"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
