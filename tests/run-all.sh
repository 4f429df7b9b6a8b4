#!/bin/bash
# run-all.sh - run the test suites, keep everything they produce in one
# run directory of its own, and end with "N passed, N failed".
#
# Usage: tests/run-all.sh RUNS_DIR IMAGES_DIR SUITE...
#   a SUITE is a test script, with its options after colons
#   (tests/kdump.sh:-a:5:-s), called as SCRIPT [OPTIONS] RUN_DIR
#   IMAGES_DIR; it prints TAP, kept in RUN_DIR/<name>.tap.  IMAGES_DIR
#   holds 6.12's images; BASE@SUITE (7.3@tests/boot-smoke.sh) runs the
#   suite on the images of the kernel base BASE, IMAGES_DIR-BASE as
#   mk/linux.mk names them, with LINUX=BASE in its environment, in a
#   run directory of its own, RUN_DIR/<name>-BASE, beside its TAP
#   SUITE_TIMEOUT: seconds a suite may run (3600)
#
# Each suite runs under `timeout', in a process group of its own; on
# SIGINT or SIGTERM this script sends SIGTERM to that group (every
# shell of the suite, whose qemu_boot traps then stop their guests),
# waits for the suite a bounded time and exits.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/wait.sh"

SUITE_TIMEOUT=${SUITE_TIMEOUT:-3600}
# how long a suite has to stop its guests once told to
SUITE_STOP_SECONDS=30

runs=$1
images=$2
shift 2
mkdir -p "$runs"
run_dir=$(mktemp -d "$runs/$(date +%Y%m%d-%H%M%S)-check.XXXXXX")
passed=0
failed=0
skipped=0
suite_n=0
suite_pid=""

stop_suite()
{
	[ -n "$suite_pid" ] || return 0
	kill -TERM -- "-$suite_pid" 2>/dev/null || true
	wait_pid "$suite_pid" "$SUITE_STOP_SECONDS" || true
	suite_pid=""
}

on_signal()
{
	trap '' INT TERM
	trap - EXIT
	echo "# $1: stopping suite $suite_n; artefacts: $run_dir"
	stop_suite
	exit "$2"
}

trap 'stop_suite' EXIT
trap 'on_signal SIGINT 130' INT
trap 'on_signal SIGTERM 143' TERM

for suite in "$@"; do
	base=6.12
	suite_images=$images
	case $suite in
	*@*)	base=${suite%%@*}
		suite=${suite#*@}
		suite_images=$images-$base ;;
	esac
	IFS=: read -r -a spec <<<"$suite"
	name=$(basename "${spec[0]}" .sh)$(printf '%s' "${spec[@]:1}" | tr -c 'a-zA-Z0-9' '_')
	suite_dir=$run_dir
	if [ "$base" != 6.12 ]; then
		name=$name-$base
		suite_dir=$run_dir/$name
		mkdir -p "$suite_dir"
	fi
	suite_n=$((suite_n + 1))
	start=$(date +%s)
	echo "# suite $name"
	rc=0
	# in the background so that a signal reaches the trap at once (bash
	# runs traps only between foreground commands); timeout makes the
	# suite's process group (its pid) and bounds this wait
	LINUX=$base timeout -k "$SUITE_STOP_SECONDS" "$SUITE_TIMEOUT" \
		"${spec[@]}" "$suite_dir" "$suite_images" >"$run_dir/$name.tap" 2>&1 &
	suite_pid=$!
	wait "$suite_pid" || rc=$?
	suite_pid=""
	sed 's/^/    /' "$run_dir/$name.tap"
	p=$(grep '^ok ' "$run_dir/$name.tap" | grep -vc ' # SKIP ' || true)
	s=$(grep -c '^ok .* # SKIP ' "$run_dir/$name.tap" || true)
	f=$(grep -c '^not ok ' "$run_dir/$name.tap" || true)
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [ "$rc" = 0 ] && [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
		echo "ok $suite_n - $name ($((`date +%s` - start))s)"
	else
		# a suite that died, or ran nothing, counts as a failure
		[ "$f" = 0 ] && failed=$((failed + 1))
		echo "not ok $suite_n - $name (exit $rc$([ "$rc" != 124 ] || echo ": over SUITE_TIMEOUT"), $((`date +%s` - start))s)"
	fi
done
echo "1..$suite_n"
echo "# artefacts: $run_dir"
[ "$skipped" = 0 ] || echo "# $skipped skipped, each with its reason above"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
