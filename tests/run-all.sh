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
#   BUILD_IMAGES: a command that builds a base's images when LINUX=BASE
#   is appended to it (make images).  If set, each base the suites
#   name with BASE@ is built from the start, beside the suites before
#   its own (a QEMU under TCG keeps one core busy), logged to
#   RUN_DIR/build-BASE.log, and waited for, at most SUITE_TIMEOUT
#   seconds, before the first suite of that base; a build that fails
#   fails that base's suites
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
declare -A build_pid build_rc

stop_suite()
{
	local base

	for base in "${!build_pid[@]}"; do
		kill -TERM -- "-${build_pid[$base]}" 2>/dev/null || true
		wait_pid "${build_pid[$base]}" "$SUITE_STOP_SECONDS" || true
		unset "build_pid[$base]"
	done
	[ -n "$suite_pid" ] || return 0
	kill -TERM -- "-$suite_pid" 2>/dev/null || true
	wait_pid "$suite_pid" "$SUITE_STOP_SECONDS" || true
	suite_pid=""
}

# start_builds SUITE...: build the images of every base named BASE@, each
# in a process group of its own (set -m), so that a signal stops it whole
start_builds()
{
	local base

	[ -n "${BUILD_IMAGES:-}" ] || return 0
	for base in $(printf '%s\n' "$@" | sed -n 's/^\([^@]*\)@.*/\1/p' | sort -u); do
		echo "# building the $base images beside the suites: $run_dir/build-$base.log"
		set -m
		$BUILD_IMAGES "LINUX=$base" >"$run_dir/build-$base.log" 2>&1 </dev/null &
		build_pid[$base]=$!
		set +m
	done
}

# built BASE: the images of BASE are built; waits for the build once
built()
{
	local rc=0

	if [ -n "${build_pid[$1]:-}" ]; then
		echo "# waiting for the $1 images (at most ${SUITE_TIMEOUT}s)"
		wait_pid "${build_pid[$1]}" "$SUITE_TIMEOUT" || rc=$?
		unset "build_pid[$1]"
		build_rc[$1]=$rc
		[ "$rc" = 0 ] || { echo "# the $1 images did not build (exit $rc):"; tail -n 20 "$run_dir/build-$1.log" | sed 's/^/#   /'; }
	fi
	[ "${build_rc[$1]:-0}" = 0 ]
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

start_builds "$@"
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
	if [ "$base" != 6.12 ] && ! built "$base"; then
		failed=$((failed + 1))
		echo "not ok $suite_n - $name (the $base images did not build: $run_dir/build-$base.log)"
		continue
	fi
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
