#!/bin/bash
# mutants.sh - the suites must kill realistic bugs.  Each mutant of
# tests/mutants/ (a one-bug patch; mk/mutants.mk builds its images) runs
# against the suites its header names ("Run:" lines, in order, until one
# of them fails a test point), its images standing in for the kernel its
# "As:" line names, in an images directory of its own (symlinks to
# IMAGES_DIR otherwise).  A mutant is killed by the first "not ok" line,
# or SURVIVED.  First the same suites run against ours itself, the
# control: a suite that fails there would kill every mutant for nothing.
# A test point the control failed kills no mutant, and any failure of
# the control fails the run.
# TAP on stdout (the control, then one test point per mutant); the report
# is RUN_DIR/mutants.md, each suite's TAP and logs under RUN_DIR/NAME/.
#
# Usage: tests/mutants.sh [-d DOC] RUN_DIR IMAGES_DIR [MUTANT...]
#   -d DOC  also write the report into DOC between the lines
#           "<!-- mutants: begin -->" and "<!-- mutants: end -->"
#   MUTANT  names of tests/mutants/*.patch without .patch (default: all)
#   GUEST_BIN: the guest programs, for the suites that need them
set -eu

here=$(dirname "$0")
. "$here/lib/tap.sh"
. "$here/lib/usage.sh"
. "$here/lib/wait.sh"

DOC=""
BEGIN_MARK="<!-- mutants: begin -->"
END_MARK="<!-- mutants: end -->"

while getopts "d:" o; do
	case $o in
	d) DOC=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
RUN_DIR=$1
IMAGES=$(realpath "$2")
shift 2

# header NAME FIELD: the values of "FIELD:" in the mutant's header, one a line
header()
{
	sed -n "/^--- /q; s/^$2: *//p" "$here/mutants/$1.patch"
}

# images_for DIR NAME AS: DIR holds every image of IMAGES, with the
# mutant's kernel and initramfs named as variant AS
images_for()
{
	local dir=$1 name=$2 as=$3 f

	mkdir -p "$dir"
	for f in "$IMAGES"/*; do
		ln -sfn "$f" "$dir/$(basename "$f")"
	done
	[ "$(header "$name" Tree)" = kernel ] &&
		ln -sfn "$IMAGES/bzImage-mutant-$name" "$dir/bzImage-$as"
	ln -sfn "$IMAGES/initramfs-mutant-$name.cpio.gz" "$dir/initramfs-$as.cpio.gz"
}

# run_name SUITE [OPTION...]: the suite's run directory name
run_name()
{
	echo "$*" | sed 's|^tests/||; s|\.sh||; s/[^A-Za-z0-9]\{1,\}/_/g'
}

# failed_points TAP: the numbers of its "not ok" test points, one a line
failed_points()
{
	sed -n 's/^ *not ok \([0-9]*\).*/\1/p' "$1" 2>/dev/null || true
}

# first_failure TAP KNOWN: the first "not ok" line of TAP whose test point
# is not one of KNOWN (numbers joined by "|"; empty: none)
first_failure()
{
	grep '^ *not ok' "$1" | sed 's/^ *//' |
		grep -v -E "^not ok (${2:-x}) " | head -n 1
}

# run_suite DIR IMAGES SUITE [OPTION...]: run one suite in its own run
# directory DIR/<run_name>, its TAP beside it (.tap, stderr in .err);
# print its first "not ok" line of a test point the control passed, or,
# for a suite that failed without one, how it ended; nothing otherwise.
# A mutant's suite is stopped at that line (TERM to its process group:
# qemu_boot's trap stops the guest); the control runs to the end.
run_suite()
{
	local dir=$1 images=$2 run known="" pid failed="" rc=0

	shift 2
	run=$dir/$(run_name "$@")
	mkdir -p "$run"
	[ "$dir" = "$RUN_DIR/control" ] ||
		known=$(failed_points "$RUN_DIR/control/$(run_name "$@").tap" | paste -sd'|' -)
	setsid "$here/../$1" "${@:2}" "$run" "$images" >"$run.tap" 2>"$run.err" &
	pid=$!
	# a session of its own: stopped with the run, or it outlives it
	trap 'kill -TERM -- "-$pid" 2>/dev/null; wait_pid "$pid" 30 || true; exit 143' TERM INT
	while [ "$dir" != "$RUN_DIR/control" ] && kill -0 "$pid" 2>/dev/null; do
		failed=$(first_failure "$run.tap" "$known")
		if [ -n "$failed" ]; then
			kill -TERM -- "-$pid" 2>/dev/null || true
			break
		fi
		sleep 2
	done
	wait "$pid" || rc=$?
	failed=$(first_failure "$run.tap" "$known")
	if [ -n "$failed" ]; then
		echo "$failed"
	elif [ "$rc" != 0 ] && [ -z "$known" ]; then
		echo "exit status $rc without a not ok line ($run.err)"
	fi
}

# suites: every distinct Run: line of the mutants asked for
suites()
{
	local name

	for name in "$@"; do
		header "$name" Run
	done | awk '!seen[$0]++'
}

control()
{
	local suite failed

	while read -r suite; do
		# shellcheck disable=SC2086 # options split on blanks
		failed=$(run_suite "$RUN_DIR/control" "$IMAGES" $suite)
		if [ -z "$failed" ]; then
			tap_pass "control: ours passes $suite"
		else
			tap_fail "control: ours passes $suite: $failed"
			echo "- control: ours fails \`$suite\`: $failed" >&3
		fi
	done < <(suites "$@")
}

# mutant NAME: run its suites until one kills it; a table row on fd 3
mutant()
{
	local name=$1 suite killed="" by="" verdict t0=$SECONDS

	images_for "$RUN_DIR/$name/images" "$name" "$(header "$name" As)"
	while read -r suite; do
		# shellcheck disable=SC2086 # options split on blanks
		killed=$(run_suite "$RUN_DIR/$name" "$RUN_DIR/$name/images" $suite)
		if [ -n "$killed" ]; then
			by=$suite
			break
		fi
	done < <(header "$name" Run)
	if [ -n "$killed" ]; then
		tap_pass "$name killed by $by: $killed"
		verdict="\`${by#tests/}\`: ${killed//|/\\|}"
	else
		tap_fail "$name SURVIVED $(header "$name" Run | paste -sd, -)"
		verdict="**SURVIVED**"
	fi
	printf '| %s | %s | %s | %s | %s |\n' "$name" "$(header "$name" Mutant)" \
		"$(header "$name" Run | sed 's/^/`/; s/$/`/' | paste -sd' ' -)" \
		"$verdict" "$((SECONDS - t0))" >&3
}

# splice REPORT DOC: REPORT replaces what lies between DOC's markers
splice()
{
	if ! grep -qxF "$BEGIN_MARK" "$2" || ! grep -qxF "$END_MARK" "$2"; then
		echo "error: $2 has no \"$BEGIN_MARK\" ... \"$END_MARK\" lines" >&2
		return 1
	fi
	awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v report="$1" '
		$0 == end { skip = 0 }
		!skip { print }
		$0 == begin { while ((getline line < report) > 0) print line; skip = 1 }
	' "$2" >"$2.tmp" && mv "$2.tmp" "$2"
}

main()
{
	local names name rows=$RUN_DIR/mutants.rows start=$SECONDS

	if [ $# -gt 0 ]; then
		names="$*"
	else
		names=$(cd "$here/mutants" && ls -- *.patch | sed 's/\.patch$//')
	fi
	mkdir -p "$RUN_DIR"
	# shellcheck disable=SC2086 # names are file names without blanks
	exec 3>"$RUN_DIR/control.rows"
	control $names
	exec 3>"$rows"
	for name in $names; do
		echo "# $name: $(header "$name" Mutant)" >&2
		mutant "$name"
	done
	exec 3>&-
	{
		echo "\`make mutants\` of $(date -u +%Y-%m-%d) on $(git -C "$here/.." describe --always --dirty 2>/dev/null || echo '?'):" \
			"$(grep -c 'SURVIVED' "$rows" || true) of $(grep -c . "$rows") survived, $((SECONDS - start)) s" \
			"with every image built (the control run of ours included)."
		echo
		if [ -s "$RUN_DIR/control.rows" ]; then
			echo "The control failed (its failing test points kill no mutant):"
			echo
			cat "$RUN_DIR/control.rows"
			echo
		fi
		echo "| mutant | the bug | suites run | killed by (the first \`not ok\`) | s |"
		echo "|---|---|---|---|---|"
		cat "$rows"
	} >"$RUN_DIR/mutants.md"
	[ -z "$DOC" ] || splice "$RUN_DIR/mutants.md" "$DOC"
	echo "# $RUN_DIR/mutants.md"
	tap_done
}

main "$@"
