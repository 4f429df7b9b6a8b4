# tests/lib/checks.sh - conditions the suites pass to tap_check, on values
# read from a guest.  Sourced after tap.sh.  Each prints why it fails.
#
# is_zero VALUE NAME		VALUE is 0
# within A B BOUND NAME		A and B integers, |A - B| <= BOUND

is_zero()
{
	tap_int "$2" "$1" && { [ "$1" = 0 ] || { echo "$2 = $1"; return 1; }; }
}

within()
{
	tap_int "$4" "$1" && tap_int "$4" "$2" || return 1
	[ $(($1 - $2)) -le "$3" ] && [ $(($2 - $1)) -le "$3" ] ||
		{ echo "$4: $1 against $2, more than $3 apart"; return 1; }
}
