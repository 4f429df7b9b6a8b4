#!/bin/bash
# harness.sh - killing a run leaves no guest behind.  Starts `make
# suites' (make check without the build) on this suite's own one-boot
# mode, in a session of its own, waits until QEMU runs (its pidfile),
# kills it as a user would, and checks that within KILL_BOUND seconds
# no process of that run is left: none whose command line names the
# run's directory (QEMU, its timeout, run-all.sh, the suite), whatever
# else runs on the machine.  Three ways: SIGINT to make's process group
# (Ctrl-C), SIGTERM to it (kill of a job), SIGTERM to run-all.sh alone.
# And two clones that build into one cache at once take turns (the lock).
#
# Usage: tests/harness.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
#        tests/harness.sh -b RUN_DIR IMAGES_DIR  the boot it kills
#   CACHE: the build cache (the Makefile exports it)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib/qemu.sh"
. "$here/lib/wait.sh"
. "$here/lib/tap.sh"
. "$here/lib/usage.sh"

# how long the killed run has to clean up: qemu_stop's bound
# (QEMU_KILL_AFTER for the timeout and for perl) and run-all's
KILL_BOUND=30
# how long QEMU may take to start under make
START_BOUND=60
# how long the two clones may take to build guest-bin, one after the other
BUILD_BOUND=300

# one_boot RUN_DIR IMAGES: the boot the killed runs make.  A shell on
# the console never ends by itself: until the kill, or the watcher's
# limits, set well past KILL_BOUND so that a run that was not stopped
# is still there when the check looks.
one_boot()
{
	RUN_DIR=$1
	QEMU_TIMEOUT=$((3 * KILL_BOUND)) QEMU_NOPROGRESS=$((3 * KILL_BOUND)) \
		qemu_boot harness-boot "$2/bzImage-ours" "$2/initramfs-ours.cpio.gz" 512M \
		"console=ttyS0 t.mode=shell" || true
	tap_fail "the boot of ours with a shell ended, killed by no one"
	tap_done
}

# run_procs RUNS: the processes whose command line names RUNS
run_procs()
{
	pgrep -f -- "$1" || true
}

# started RUNS [SUITE]: QEMU of the run (of its SUITE-named run directory,
# a lane's) has written its pidfile
started()
{
	local f

	for f in "$1"/*/${2:+$2/}harness-boot.pid; do
		[ -s "$f" ] && return 0
	done
	return 1
}

# gone RUNS: within KILL_BOUND seconds no process names RUNS; lists what
# is left otherwise
gone()
{
	local n

	for n in $(seq $((KILL_BOUND * 2))); do
		[ -z "$(run_procs "$1")" ] && return 0
		sleep 0.5
	done
	echo "left after ${KILL_BOUND}s:"
	pgrep -af -- "$1"
	return 1
}

# kill_run HOW: start make suites, wait for its guests, kill as HOW says
# (int-group, term-group, term-run-all; with a 7.3 lane of run-all.sh,
# as make check starts one: term-lane, SIGTERM to make's process group
# while the lane's guest runs beside the 6.12 one, and term-run-all-lane,
# SIGTERM to run-all.sh alone while it waits for the lane's result and
# the lane's guest runs); a test point
kill_run()
{
	local how=$1 runs=$RUN_DIR/$1 mk runall p n
	local suites=tests/harness.sh:-b lane="" guests=main

	mkdir -p "$runs"
	# the lane's build is `true': the 7.3 images are already built
	case $how in
	term-lane)
		lane=BUILD_IMAGES=true guests="main lane"
		suites="$suites 7.3@tests/harness.sh:-b" ;;
	term-run-all-lane)
		lane=BUILD_IMAGES=true guests=lane
		suites="7.3@tests/harness.sh:-b $suites" ;;
	esac
	# make as a shell starts it: in a session of its own, where it leads
	# its process group, and with SIGINT and SIGQUIT handled by default
	# (bash starts a background job with them ignored, and an ignored
	# signal cannot be trapped)
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $lane setsid perl -e \
		'$SIG{INT} = $SIG{QUIT} = "DEFAULT"; exec @ARGV or die "exec: $!"' \
		make -C "$top" --no-print-directory suites RUNS="$runs" IMAGES="$IMAGES" \
		SUITES="$suites" >"$runs/make.out" 2>&1 &
	mk=$!
	for n in $(seq $((START_BOUND * 2))); do
		guests_started "$runs" "$guests" && break
		sleep 0.5
	done
	# run-all.sh itself: in make's process group (make leads it), unlike
	# the shell of make's recipe that started it and a lane it forked
	runall=""
	for p in $(comm -12 <(pgrep -x run-all.sh | sort) <(run_procs "$runs" | sort)); do
		[ "$(ps -o pgid= -p "$p" | tr -d ' ')" = "$mk" ] && runall=$p
	done
	if ! guests_started "$runs" "$guests" || [ -z "$runall" ]; then
		tap_fail "$how: QEMU of make suites started ($guests; see $runs/make.out)"
		kill -KILL $(run_procs "$runs") 2>/dev/null || true
		wait_pid "$mk" "$KILL_BOUND" || true
		return
	fi
	case $how in
	int-group)	kill -INT -- "-$mk" ;;
	term-group|term-lane)	kill -TERM -- "-$mk" ;;
	term-run-all|term-run-all-lane)	kill -TERM "$runall" ;;
	esac
	tap_check "$how: no QEMU, timeout, run-all or suite of the killed run left within ${KILL_BOUND}s" \
		gone "$runs"
	# what a failed check left, ended so that this suite leaves nothing
	kill -KILL $(run_procs "$runs") 2>/dev/null || true
	wait_pid "$mk" "$KILL_BOUND" || true
}

# guests_started RUNS GUESTS: the guests GUESTS names (main: the 6.12
# suite's, lane: the 7.3 lane's) have started
guests_started()
{
	case " $2 " in *" main "*) started "$1" || return 1 ;; esac
	case " $2 " in *" lane "*) started "$1" harness_b-7.3 || return 1 ;; esac
}

# lock_race: two clones build guest-bin at once into one cache.  The
# cache is private (guest-bin/ starts empty) but for the downloads and
# the kernel trees, linked from CACHE: ours' patched tree must be
# there already, or the clones would extract one into the real cache.
# Under the lock one clone builds each program and the other finds it
# built; without it (CACHE_LOCK_HELD=1 in the environment: the makes
# then believe a make above them holds it) both build the same files at
# once.
lock_race()
{
	local dir=$RUN_DIR/lock c src prog pids="" n=0 built=0 rc=0

	rm -rf "$dir" && mkdir -p "$dir/cache"
	ln -s "$CACHE/dl" "$CACHE/kernel" "$dir/cache/"
	for c in a b; do
		git clone -q "$top" "$dir/$c"
		# the tree under test, not its last commit
		cp "$top/Makefile" "$dir/$c/" && cp "$top"/mk/*.mk "$dir/$c/mk/"
	done
	src=$(make -s --no-print-directory -C "$dir/a" -f mk/kernel.mk CACHE="$dir/cache" VARIANT=ours print-src)
	if [ ! -e "$src/../.patched" ]; then
		tap_fail "two clones build guest-bin at once: ours' patched tree is not in $CACHE (make guest)"
		return
	fi
	for c in a b; do
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$dir/$c" --no-print-directory guest \
			CACHE="$dir/cache" >"$dir/$c.out" 2>&1 &
		pids="$pids $!"
	done
	for c in $pids; do
		wait_pid "$c" "$BUILD_BOUND" || rc=1
	done
	for prog in "$dir"/cache/guest-bin/*; do
		n=$((n + 1))
		built=$((built + $(cat "$dir"/a.out "$dir"/b.out | grep -c -- "-o $prog.tmp ")))
	done
	tap_check "two clones build guest-bin at once into one cache: both succeed, each of its $n programs built once ($built builds)" \
		built_once "$rc" "$n" "$built" "$dir"
}

# built_once RC PROGRAMS BUILDS DIR: both makes succeeded and built each
# program exactly once
built_once()
{
	[ "$1" = 0 ] || { tail -n 5 "$4"/a.out "$4"/b.out; return 1; }
	[ "$2" -gt 0 ] && [ "$2" = "$3" ]
}

if [ "${1:-}" = -b ]; then
	[ $# = 3 ] || usage
	one_boot "$2" "$3"
	exit
fi
[ $# = 2 ] || usage
RUN_DIR=$(mkdir -p "$1/harness" && cd "$1/harness" && pwd)
IMAGES=$2
# the build cache, as the Makefile names it
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/efi-ranges}
for how in int-group term-group term-run-all; do
	kill_run $how
done
for how in term-lane term-run-all-lane; do
	if [ -f "$IMAGES-7.3/bzImage-ours" ] && [ -f "$IMAGES-7.3/initramfs-ours.cpio.gz" ]; then
		kill_run $how
	else
		tap_skip "$how: a run with a 7.3 lane leaves nothing either" \
			"no 7.3 images of ours in $IMAGES-7.3 (make images LINUX=7.3)"
	fi
done
lock_race
tap_done
