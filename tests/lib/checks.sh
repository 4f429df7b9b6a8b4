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
# table_read BOOT MARKER GEN MIN	generation GEN read firmware table MARKER
#				(MEMATTR, BGRT, TPMLOG lines of init.sh) whole:
#				a sha of at least MIN bytes, no bad=, and for
#				MEMATTR a header of version 2 or less whose
#				size (16 + entries * desc_size) is what was read
# table_same BOOT MARKER LAST MIN	read whole in generations 1..LAST, at
#				the address, of the size and with the sha of
#				generation 1
# table_damaged BOOT MARKER	generation 1 read MARKER whole; generation 2
#				read it too, and found other bytes
# memattr_bytes BOOT		"START END" of the Memory Attributes table
#				generation 1 read; nothing if it read none
# segment_on BOOT START END	generation 1's kexec -d (t.segments=1) listed
#				its segments, and one lies on [START, END)
# segments_within BOOT LOW HIGH [GEN]	it listed them, all within [LOW, HIGH]

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

# the key of table MARKER's address in its line
table_addr_key()
{
	case $1 in
	TPMLOG)	echo log ;;
	*)	echo addr ;;
	esac
}

table_read()
{
	local b=$1 m=$2 g=$3 min=$4 sha bytes bad v e d

	sha=$(qemu_field "$b" "$m" "$g" sha)
	[ -n "$sha" ] || { echo "generation $g: $m ${sha:-read nothing}: $(qemu_lines "$b" "$m" "$g")"; return 1; }
	bytes=$(qemu_field "$b" "$m" "$g" bytes)
	tap_int "generation $g $m bytes" "$bytes" "$min" || return 1
	tap_int "generation $g $m $(table_addr_key "$m")" \
		"$(qemu_field "$b" "$m" "$g" "$(table_addr_key "$m")")" || return 1
	bad=$(qemu_field "$b" "$m" "$g" bad)
	[ -z "$bad" ] || { echo "generation $g: $m bad=$bad"; return 1; }
	[ "$m" = MEMATTR ] || return 0
	v=$(qemu_field "$b" MEMATTR "$g" version)
	e=$(qemu_field "$b" MEMATTR "$g" entries)
	d=$(qemu_field "$b" MEMATTR "$g" desc_size)
	tap_int "generation $g MEMATTR version" "$v" && tap_int "generation $g MEMATTR entries" "$e" &&
		tap_int "generation $g MEMATTR desc_size" "$d" || return 1
	[ "$v" -le 2 ] && [ "$bytes" = $((16 + e * d)) ] ||
		{ echo "generation $g: MEMATTR version $v, $e entries of $d bytes, $bytes bytes read"; return 1; }
}

table_same()
{
	local b=$1 m=$2 last=$3 min=$4 g key want got

	key=$(table_addr_key "$m")
	table_read "$b" "$m" 1 "$min" || return 1
	want="$(qemu_field "$b" "$m" 1 "$key") $(qemu_field "$b" "$m" 1 bytes) $(qemu_field "$b" "$m" 1 sha)"
	for g in $(seq 2 "$last"); do
		table_read "$b" "$m" "$g" "$min" || return 1
		got="$(qemu_field "$b" "$m" "$g" "$key") $(qemu_field "$b" "$m" "$g" bytes) $(qemu_field "$b" "$m" "$g" sha)"
		[ "$got" = "$want" ] || { echo "generation $g: $m $got; generation 1: $want"; return 1; }
	done
}

table_damaged()
{
	local b=$1 m=$2 a z

	table_read "$b" "$m" 1 16 || return 1
	a=$(qemu_field "$b" "$m" 1 sha)
	z=$(qemu_field "$b" "$m" 2 sha)
	[ -n "$z" ] || { echo "generation 2 read no $m: $(qemu_lines "$b" "$m" 2)"; return 1; }
	[ "$a" != "$z" ] || { echo "generation 2 read the same bytes"; return 1; }
}

memattr_bytes()
{
	local a b

	a=$(qemu_field "$1" MEMATTR 1 addr)
	b=$(qemu_field "$1" MEMATTR 1 bytes)
	tap_int "MEMATTR addr" "$a" >/dev/null && tap_int "MEMATTR bytes" "$b" >/dev/null || return 0
	echo "$a $((a + b))"
}

# segments BOOT [GEN]: "MEM MEMSZ" of each segment generation GEN's (1's)
# kexec -d listed
segments()
{
	qemu_lines "$1" SEGMENT "${2:-1}" | sed -n 's/^mem=\([^ ]*\) memsz=\([^ ]*\)$/\1 \2/p'
}

segment_on()
{
	local b=$1 start=$2 end=$3 mem memsz n=0 hit=

	tap_int "range start" "$start" && tap_int "range end" "$end" || return 1
	while read -r mem memsz; do
		[ -n "$mem" ] || continue
		tap_int "SEGMENT mem" "$mem" && tap_int "SEGMENT memsz" "$memsz" || return 1
		n=$((n + 1))
		[ $((mem)) -lt $((end)) ] && [ $((mem + memsz)) -gt $((start)) ] &&
			hit=$(printf 'segment 0x%x-0x%x' $((mem)) $((mem + memsz - 1)))
	done <<<"$(segments "$b")"
	[ "$n" -gt 0 ] || { echo "no SEGMENT line of generation 1"; return 1; }
	[ -n "$hit" ] || { echo "none of $n segments on $start-$end"; return 1; }
	echo "$hit"
}

segments_within()
{
	local b=$1 low=$2 high=$3 gen=${4:-1} mem memsz n=0

	tap_int "window low" "$low" && tap_int "window high" "$high" || return 1
	while read -r mem memsz; do
		[ -n "$mem" ] || continue
		tap_int "SEGMENT mem" "$mem" && tap_int "SEGMENT memsz" "$memsz" || return 1
		n=$((n + 1))
		[ $((mem)) -ge $((low)) ] && [ $((mem + memsz - 1)) -le $((high)) ] ||
			{ printf 'segment 0x%x-0x%x outside %s-%s\n' $((mem)) $((mem + memsz - 1)) "$low" "$high"; return 1; }
	done <<<"$(segments "$b" "$gen")"
	[ "$n" -gt 0 ] || { echo "no SEGMENT line of generation $gen"; return 1; }
}
