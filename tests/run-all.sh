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
#   name with BASE@ gets a lane of its own from the start, beside the
#   6.12 suites (a QEMU under TCG keeps one core busy): the lane builds
#   the base's images, logged to RUN_DIR/build-BASE.log, then runs that
#   base's suites one after the other, while the 6.12 suites go on.
#   Their results are reported in the order the suites are named, each
#   waited for at most SUITE_TIMEOUT seconds once the main loop comes to
#   it (twice that for the first, which waits for the build too); a
#   build that fails fails that base's suites
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
declare -A lane_pid lane_left

# parse_suite SUITE: set base, spec (the command), name, suite_dir and
# suite_images of SUITE
parse_suite()
{
	local suite=$1

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
	fi
}

# run_suite: run the suite parse_suite set, in the background so that a
# signal reaches the trap at once (bash runs traps only between
# foreground commands); timeout makes the suite's process group (its
# pid) and bounds this wait.  Returns the suite's exit status.
run_suite()
{
	local rc=0

	mkdir -p "$suite_dir"
	LINUX=$base timeout -k "$SUITE_STOP_SECONDS" "$SUITE_TIMEOUT" \
		"${spec[@]}" "$suite_dir" "$suite_images" >"$run_dir/$name.tap" 2>&1 &
	suite_pid=$!
	wait "$suite_pid" || rc=$?
	suite_pid=""
	return "$rc"
}

# stop_suite: SIGTERM to the running suite's process group and to every
# lane's, then wait for each (a lane stops its own suite first)
stop_suite()
{
	local base

	for base in "${!lane_pid[@]}"; do
		kill -TERM -- "-${lane_pid[$base]}" 2>/dev/null || true
	done
	[ -z "$suite_pid" ] || kill -TERM -- "-$suite_pid" 2>/dev/null || true
	for base in "${!lane_pid[@]}"; do
		wait_pid "${lane_pid[$base]}" "$((2 * SUITE_STOP_SECONDS))" || true
		unset "lane_pid[$base]"
	done
	[ -n "$suite_pid" ] || return 0
	wait_pid "$suite_pid" "$SUITE_STOP_SECONDS" || true
	suite_pid=""
}

# lane BASE SUITE...: build BASE's images, then run the SUITEs of BASE;
# each one's exit status and seconds go to RUN_DIR/NAME.result ("build
# RC" for every one when the build failed), what the lane itself says to
# RUN_DIR/lane-BASE.log.  On SIGTERM, or if it dies, it stops its build
# or suite as the main loop does.
lane()
{
	local lane_base=$1 suite rc build_rc=0 start

	shift
	lane_pid=()
	trap 'stop_suite' EXIT
	trap 'exit 143' TERM
	$BUILD_IMAGES "LINUX=$lane_base" >"$run_dir/build-$lane_base.log" 2>&1 </dev/null &
	suite_pid=$!
	wait "$suite_pid" || build_rc=$?
	suite_pid=""
	for suite in "$@"; do
		parse_suite "$suite"
		[ "$base" = "$lane_base" ] || continue
		if [ "$build_rc" = 0 ]; then
			start=$(date +%s)
			rc=0
			run_suite || rc=$?
			echo "$rc $(($(date +%s) - start))" >"$run_dir/$name.result.tmp"
		else
			echo "build $build_rc" >"$run_dir/$name.result.tmp"
		fi
		mv "$run_dir/$name.result.tmp" "$run_dir/$name.result"
	done
}

# start_lanes SUITE...: a lane for every base named BASE@, each in a
# process group of its own (set -m), so that a signal stops it whole;
# lane_left[BASE]: how many of its results are still to be reported
start_lanes()
{
	local base

	[ -n "${BUILD_IMAGES:-}" ] || return 0
	for base in $(printf '%s\n' "$@" | sed -n 's/^\([^@]*\)@.*/\1/p' | sort -u); do
		echo "# building the $base images and running their suites beside the 6.12 suites: $run_dir/build-$base.log"
		set -m
		lane "$base" "$@" </dev/null >/dev/null 2>"$run_dir/lane-$base.log" &
		lane_pid[$base]=$!
		set +m
		lane_left[$base]=$(printf '%s\n' "$@" | grep -c "^$base@")
	done
}

# lane_result WAIT: read the result of the suite parse_suite set from its
# lane into rc and seconds, waiting at most WAIT seconds, in this shell
# (a trap runs at once); rc is empty if none came.  The lane is reaped
# after its last result.
lane_result()
{
	local n pid=${lane_pid[$base]} f=$run_dir/$name.result

	rc="" seconds=""
	for n in $(seq $(($1 * 10))); do
		[ -f "$f" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ ! -f "$f" ] || read -r rc seconds <"$f" || true
	lane_left[$base]=$((lane_left[$base] - 1))
	if [ "${lane_left[$base]}" = 0 ] || [ -z "$rc" ]; then
		kill -TERM -- "-$pid" 2>/dev/null || true
		wait_pid "$pid" "$((2 * SUITE_STOP_SECONDS))" || true
		unset "lane_pid[$base]"
	fi
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

start_lanes "$@"
# the first result of a lane waits for its build too
declare -A lane_wait
for base in "${!lane_pid[@]}"; do
	lane_wait[$base]=$((2 * SUITE_TIMEOUT))
done
for suite in "$@"; do
	parse_suite "$suite"
	suite_n=$((suite_n + 1))
	start=$(date +%s)
	echo "# suite $name"
	rc=0
	if [ -n "${lane_wait[$base]:-}" ]; then
		echo "# waiting for its lane"
		if [ -n "${lane_pid[$base]:-}" ]; then
			lane_result "${lane_wait[$base]}"
		else
			rc=""
		fi
		lane_wait[$base]=$SUITE_TIMEOUT
		case $rc in
		build)	failed=$((failed + 1))
			echo "# the $base images did not build (exit $seconds):"
			tail -n 20 "$run_dir/build-$base.log" | sed 's/^/#   /'
			echo "not ok $suite_n - $name (the $base images did not build: $run_dir/build-$base.log)"
			continue ;;
		"")	failed=$((failed + 1))
			echo "not ok $suite_n - $name (its $base lane gave no result: $run_dir/lane-$base.log)"
			continue ;;
		esac
		start=$(($(date +%s) - seconds))
	else
		run_suite || rc=$?
	fi
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
