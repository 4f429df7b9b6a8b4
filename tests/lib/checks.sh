# tests/lib/checks.sh - conditions the suites pass to tap_check, on values
# read from a guest.  Sourced after tap.sh.  Each prints why it fails.
#
# is_zero VALUE NAME		VALUE is 0
# within A B BOUND NAME		A and B integers, |A - B| <= BOUND
# meter_counted BOOT GEN	the leak meter of generation GEN of boot BOOT
#				counted generation 1's ranges, which generation
#				1 read from a complete log (qemu.sh's fields)
# meter_clean BOOT GEN		and found no PG_reserved page there without an
#				owner; prints the reservations it blames if not

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

meter_counted()
{
	local b=$1 gen=$2

	tap_int "generation 1 ranges" "$(qemu_field "$b" BSCOUNT 1 ranges)" 1 || return 1
	[ "$(qemu_field "$b" BSCOUNT 1 source) $(qemu_field "$b" BSCOUNT 1 klog)" = "klog complete" ] ||
		{ echo "generation 1 did not read its ranges from a complete log"; return 1; }
	[ "$gen" = 1 ] && return 0
	[ "$(qemu_field "$b" BSCOUNT "$gen" source) $(qemu_field "$b" BSCOUNT "$gen" klog)" = "file complete" ] ||
		{ echo "generation $gen did not count generation 1's ranges with a complete log"; return 1; }
	[ "$(qemu_field "$b" BSCOUNT "$gen" ranges) $(qemu_field "$b" BSCOUNT "$gen" kib)" = \
		"$(qemu_field "$b" BSCOUNT 1 ranges) $(qemu_field "$b" BSCOUNT 1 kib)" ] ||
		{ echo "generation $gen counted other ranges than generation 1's"; return 1; }
}

meter_clean()
{
	meter_counted "$1" "$2" &&
		is_zero "$(qemu_field "$1" BSCOUNT "$2" unexplained)" "unexplained pages" ||
		{ qemu_lines "$1" UNEXPLAINED "$2"; return 1; }
}
