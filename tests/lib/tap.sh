# tests/lib/tap.sh - TAP output for the shell tests.  Sourced.
#
# tap_check DESCRIPTION CMD [ARG...]
#			one test point: runs CMD with its arguments as
#			they are, never through eval, so values read from
#			a guest (quotes and all) stay data.  On failure it
#			prints "#   failed: " and the command, each word
#			quoted with printf %q, then what CMD printed, as
#			diagnostics.  A condition of several tests is a
#			small named function of the suite.
# tap_int NAME VALUE [MIN]
#			fails, naming NAME, unless VALUE is an integer
#			(decimal or 0x hex; at least MIN if given): a
#			field missing from a guest line fails the test
#			point that uses it instead of aborting the suite
#			(set -e, arithmetic on an empty value)
# tap_pass DESCRIPTION / tap_fail DESCRIPTION
# tap_skip DESCRIPTION REASON
#			a test point that cannot run here, and why: TAP's
#			"# SKIP", which run-all.sh counts apart; with no
#			REASON, a failure
# tap_done			plan line and exit status (0 only with no
#				failure and at least one pass)

TAP_N=0
TAP_FAILED=0

tap_pass()
{
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

tap_fail()
{
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

tap_skip()
{
	# a skip that cannot say why is a failure
	[ -n "${2:-}" ] || { tap_fail "$1 (skipped with no reason)"; return; }
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

tap_check()
{
	local desc=$1 out

	shift
	if out=$("$@" 2>&1); then
		tap_pass "$desc"
	else
		tap_fail "$desc"
		echo "#   failed:$(printf ' %q' "$@")"
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#     /'
	fi
}

tap_int()
{
	[[ $2 =~ ^-?([0-9]+|0x[0-9a-fA-F]+)$ ]] ||
		{ echo "missing field $1 (read '$2')"; return 1; }
	[ -z "${3:-}" ] || (($2 >= $3)) || { echo "$1 is $2, less than $3"; return 1; }
}


tap_done()
{
	echo "1..$TAP_N"
	[ "$TAP_N" -gt 0 ] && [ "$TAP_FAILED" = 0 ]
}
