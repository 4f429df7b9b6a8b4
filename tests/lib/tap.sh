# tests/lib/tap.sh - TAP output for the shell tests.  Sourced.
#
# tap_ok COND DESCRIPTION	one test point; COND is evaluated by the shell
# tap_pass DESCRIPTION / tap_fail DESCRIPTION
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

tap_ok()
{
	local cond=$1

	shift
	if eval "$cond"; then
		tap_pass "$*"
	else
		tap_fail "$*"
		echo "#   failed: $cond"
	fi
}

tap_done()
{
	echo "1..$TAP_N"
	[ "$TAP_N" -gt 0 ] && [ "$TAP_FAILED" = 0 ]
}
