#!/bin/bash
# kexec-loop.sh - boot under QEMU + OVMF, then kexec HOPS times in one
# QEMU run, alternating kexec_load (kexec -l) and kexec_file_load
# (kexec -s -l), and check after every hop:
#   1 no leak: every PG_reserved page at or above 1 MiB in generation 1's
#     boot-services ranges is explained by an owner on the leak meter's
#     allow-list (tests/guest/bscount.c), whatever the current table
#     says; the allow-list total is printed with each hop
#   2 no double free: the generation's console has no BUG, WARNING, Call
#     Trace, Oops or Bad page state
#   3 kept ranges intact: every firmware-owned range hashes as in gen 1,
#     each read whole through /dev/mem
#   4 table continuity: generation = hop + 1, the same firmware ranges,
#     and the kernel accepted its predecessor's table (CRC and rules)
#   5 table totals: nothing below 1 MiB freed; as many entries, as much
#     freed and as much in all as generation 1's table, nothing moved
#     between freed and kept or reclaimed, and nothing kept again: kept
#     KiB as the predecessor's (after an efi=debug generation 1, hop 1
#     may only lower it)
#   6 no drift: MemTotal and free memory (MemFree and the per-CPU lists)
#     within a bound, both ways, of the reference generation: 1, or 2
#     after an efi=debug generation 1, whose hop 1 must instead gain what
#     generation 2 reclaimed
#   7 with -K only, the route: the table came through KHO after a
#     kexec -s -l hop with KHO running, in setup_data otherwise (the
#     kernel's "from KHO|setup_data", and our setup_data node there or not)
# TAP on stdout (one test point per hop and invariant), progress on
# stderr, and in RUN_DIR: the serial log, kexec-loop.csv and, with
# gnuplot, kexec-loop.png.
#
# Usage: tests/kexec-loop.sh [-n HOPS] [-m MEM] [-k ours|stock|prefix] [-e]
#                            [-x WORDS] [-K on|off] RUN_DIR IMAGES_DIR
#   -e  boot generation 1 with efi=debug (later generations without)
#   -x  more kernel command-line words, for every generation
#   -K  Kexec HandOver (7.3): kho=on in every generation, with scratch
#       areas that fit (on), or with ones that cannot fit 512 MB, so that
#       KHO switches itself off at boot (off)
set -eu

HOPS=10
MEM=512M
KERNEL=ours
EFIDEBUG=0
EXTRA=""
KHO=""
MEMTOTAL_BOUND_KIB=1024
FREE_BOUND_KIB=4096

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/checks.sh"
. "$here/lib/usage.sh"
. "$here/lib/kho.sh"

while getopts "n:m:k:ex:K:" o; do
	case $o in
	n) HOPS=$OPTARG ;;
	m) MEM=$OPTARG ;;
	k) KERNEL=$OPTARG ;;
	e) EFIDEBUG=1 ;;
	x) EXTRA=$OPTARG ;;
	K) KHO=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || usage
if [ -n "$KHO" ]; then
	EXTRA="$EXTRA $(kho_words "$KHO")" || usage
fi
RUN_DIR=$1
IMAGES=$2
NAME=kexec-loop
FIRST=""
[ $EFIDEBUG = 1 ] && FIRST="efi=debug t.drop=efi=debug"

START=$(date +%s)

progress()
{
	local gen elapsed left=""

	gen=$(grep -o 'T: INIT gen=[0-9]*' "$1" | tail -n 1 | cut -d= -f2)
	[ -n "$gen" ] || return 0
	elapsed=$(($(date +%s) - START))
	[ "$gen" -gt 1 ] && left=", about $(( elapsed * (HOPS + 1 - gen) / gen ))s left"
	printf '\rhop %d/%d, %ds elapsed%s   ' $((gen - 1)) "$HOPS" "$elapsed" "$left" >&2
}

# the "T:" lines of one generation, "T: WORD gen=G" stripped to "WORD"
gen_lines()
{
	qemu_lines $NAME "$1" "$2"
}

field()
{
	qemu_field $NAME "$@"
}

# seconds from generation G-1's KEXEC marker to generation G's INIT
hop_seconds()
{
	local t0 t1

	t0=$(grep -m1 "T: KEXEC gen=$(($1 - 1)) " "$RUN_DIR/$NAME.log" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
	t1=$(grep -m1 "T: INIT gen=$1 " "$RUN_DIR/$NAME.log" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
	[ -n "$t0" ] && [ -n "$t1" ] && awk "BEGIN { printf \"%.1f\", $t1 - $t0 }" || echo ""
}

# every kept firmware range hashes as in generation 1, read whole
ranges_intact()
{
	local gen=$1 hash1 hashn

	hash1=$(gen_lines FWHASH 1 | sort)
	hashn=$(gen_lines FWHASH "$gen" | sort)
	[ -n "$hash1" ] || { echo "generation 1 hashed no firmware range"; return 1; }
	[ "$hash1" = "$hashn" ] || { diff <(echo "$hash1") <(echo "$hashn"); return 1; }
	echo "$hashn" | awk '{ if ($5 != "bytes=" $2 * 4096) { print "short read: " $0; bad = 1 } }
		END { exit bad }'
}

table_continuity()
{
	local gen=$1

	[ "$(field BSTABLE "$gen" generation)" = "$gen" ] ||
		{ echo "table generation '$(field BSTABLE "$gen" generation)', not $gen"; return 1; }
	[ "$(gen_lines FWRANGE 1 | sort)" = "$(gen_lines FWRANGE "$gen" | sort)" ] ||
		{ echo "firmware ranges differ from generation 1's"; return 1; }
	gen_lines DMESG "$gen" |
		grep -q "Inherited boot services range table: generation $((gen - 1)),"
}

table_kib()
{
	local f

	for f in freed_kib kept_kib reclaimed_kib entries; do
		tap_int "generation $1 $f" "$(field BSTABLE "$1" $f)" || return 1
	done
}

table_totals()
{
	local gen=$1 prev=$(($1 - 1)) kept kept_prev

	table_kib 1 && table_kib $prev && table_kib "$gen" || return 1
	is_zero "$(field BSTABLE "$gen" below_1m_freed_kib)" "KiB freed below 1 MiB" &&
		within "$(field BSTABLE "$gen" entries)" "$(field BSTABLE 1 entries)" 0 entries &&
		within "$(field BSTABLE "$gen" freed_kib)" "$(field BSTABLE 1 freed_kib)" 0 "freed KiB" &&
		within $(( $(field BSTABLE "$gen" kept_kib) + $(field BSTABLE "$gen" reclaimed_kib) )) \
			$(( $(field BSTABLE $prev kept_kib) + $(field BSTABLE $prev reclaimed_kib) )) 0 \
			"kept + reclaimed KiB against generation $prev" || return 1
	kept=$(field BSTABLE "$gen" kept_kib)
	kept_prev=$(field BSTABLE $prev kept_kib)
	if [ "$gen" = 2 ] && [ $EFIDEBUG = 1 ]; then
		[ "$kept" -le "$kept_prev" ] || { echo "kept $kept KiB, more than $kept_prev"; return 1; }
	else
		within "$kept" "$kept_prev" 0 "kept KiB against generation $prev"
	fi
}

# the drift against the reference generation; hop 1 after efi=debug gains
# what generation 2 reclaimed
no_drift()
{
	local gen=$1 ref=1 gain=0 f

	[ $EFIDEBUG = 1 ] && ref=2
	if [ $EFIDEBUG = 1 ] && [ "$gen" = 2 ]; then
		ref=1
		gain=$(field BSTABLE 2 reclaimed_kib)
		tap_int "generation 2 reclaimed_kib" "$gain" || return 1
	fi
	for f in MemTotal FreeKiB; do
		tap_int "generation $gen $f" "$(field MEMINFO "$gen" $f)" &&
			tap_int "generation $ref $f" "$(field MEMINFO $ref $f)" || return 1
	done
	within "$(field MEMINFO "$gen" MemTotal)" $(( $(field MEMINFO $ref MemTotal) + gain )) \
			$MEMTOTAL_BOUND_KIB "MemTotal (generation $ref + $gain KiB)" &&
		within "$(field MEMINFO "$gen" FreeKiB)" $(( $(field MEMINFO $ref FreeKiB) + gain )) \
			$FREE_BOUND_KIB "free KiB (generation $ref + $gain KiB)"
}

# KHO ran in generation 1 (-K on), or switched itself off there (-K off)
kho_state()
{
	local off

	off=$(gen_lines DMESG 1 | grep -c 'KHO: Failed to reserve scratch area, disabling kexec handover')
	case $KHO in
	on)	[ "$off" = 0 ] || { echo "KHO switched itself off"; return 1; } ;;
	off)	[ "$off" = 1 ] || { echo "KHO did not switch itself off"; return 1; } ;;
	esac
}

# KHO or setup_data: the way generation G should have got its table
route_of()
{
	[ "$KHO" = on ] && [ "$(field KEXEC $(($1 - 1)) method)" = s ] && echo KHO || echo setup_data
}

# the table came the way route_of says, and our setup_data node (type
# 0xb, SETUP_EFI_BS_RANGES) is there only when it came in setup_data
table_route()
{
	local gen=$1 want types

	want=$(route_of "$gen")
	types=",$(field SETUP-DATA "$gen" types)"
	table_from $NAME "$gen" "$want" ||
		{ echo "no \"from $want\" in the kernel's log"; return 1; }
	case $want,$types in
	KHO,*,0xb,*)		echo "a setup_data node of type 0xb too: $types"; return 1 ;;
	setup_data,*,0xb,*|KHO,*) ;;
	*)			echo "no setup_data node of type 0xb: $types"; return 1 ;;
	esac
}

# KiB B - KiB A, or "?"
diff_kib()
{
	[ -n "$1" ] && [ -n "$2" ] && echo $(($1 - $2)) || echo "?"
}

check_hop()
{
	local hop=$1 gen=$(($1 + 1)) method ref=1

	[ $EFIDEBUG = 1 ] && [ "$gen" -gt 2 ] && ref=2
	method=$(field KEXEC $((gen - 1)) method)
	tap_check "hop $hop ($method): no leak: $(field BSCOUNT "$gen" unexplained) unexplained PG_reserved pages in generation 1's boot-services ranges, $(field BSCOUNT "$gen" allowed) allowed ($(gen_lines ALLOW "$gen" | grep -c .) owners)" \
		meter_clean $NAME "$gen"
	tap_check "hop $hop: no double free: clean console" \
		[ "$(field CONSOLE "$gen" clean)" = yes ]
	tap_check "hop $hop: kept firmware ranges hash as in generation 1 ($(gen_lines FWHASH "$gen" | grep -c .) ranges)" \
		ranges_intact "$gen"
	tap_check "hop $hop: table continuity: generation $(field BSTABLE "$gen" generation), same firmware ranges, predecessor's table accepted" \
		table_continuity "$gen"
	tap_check "hop $hop: table totals: $(field BSTABLE "$gen" entries) entries, freed/kept/reclaimed $(field BSTABLE "$gen" freed_kib)/$(field BSTABLE "$gen" kept_kib)/$(field BSTABLE "$gen" reclaimed_kib) KiB" \
		table_totals "$gen"
	tap_check "hop $hop: no drift: MemTotal $(diff_kib "$(field MEMINFO "$gen" MemTotal)" "$(field MEMINFO $ref MemTotal)") KiB, free $(diff_kib "$(field MEMINFO "$gen" FreeKiB)" "$(field MEMINFO $ref FreeKiB)") KiB against generation $ref" \
		no_drift "$gen"
	[ -z "$KHO" ] ||
		tap_check "hop $hop: the table came from $(route_of "$gen") (KHO $KHO)" \
			table_route "$gen"
	echo "$hop,$method,$(field MEMINFO "$gen" MemTotal),$(field MEMINFO "$gen" FreeKiB),$(field BSCOUNT "$gen" unexplained),$(field BSCOUNT "$gen" allowed),$(field BSTABLE "$gen" kept_kib),$(field BSTABLE "$gen" freed_kib),$(field BSTABLE "$gen" reclaimed_kib),$(field BSTABLE "$gen" entries),$(hop_seconds "$gen")" \
		>>"$RUN_DIR/$NAME.csv"
}

# What the invariants check, per hop: free memory with the per-CPU lists
# (left axis, four drift bounds either side of hop 1's, so that noise
# stays flat and a drift shows), and in pages the meter's unexplained and
# allowed pages and the kept KiB / 4 (right axis).  A leak shows as a
# slope.
plot()
{
	local free1

	command -v gnuplot >/dev/null || return 0
	free1=$(awk -F, 'NR == 2 { print $4 }' "$RUN_DIR/$NAME.csv")
	tap_int "hop 1 free KiB" "$free1" >/dev/null || return 0
	gnuplot 2>"$RUN_DIR/gnuplot.log" <<EOT
set terminal png size 900,500 noenhanced
set xtics $(( HOPS > 10 ? HOPS / 10 : 1 ))
set output "$RUN_DIR/$NAME.png"
set datafile separator ","
set xlabel "hop"
set ylabel "free KiB (MemFree + per-CPU lists)"
set yrange [$((free1 - 4 * FREE_BOUND_KIB)):$((free1 + 4 * FREE_BOUND_KIB))]
set y2range [0:*]
set y2label "pages in generation 1's boot-services ranges"
set y2tics
set ytics nomirror
set title "$KERNEL, $MEM, $HOPS hops"
plot "$RUN_DIR/$NAME.csv" using 1:4 with linespoints title "free KiB", \
     "" using 1:5 axes x1y2 with linespoints title "unexplained PG_reserved pages", \
     "" using 1:6 axes x1y2 with linespoints title "allowed PG_reserved pages", \
     "" using 1:(\$7/4) axes x1y2 with linespoints title "kept pages (table)"
EOT
}

main()
{
	local hop ok=1

	mkdir -p "$RUN_DIR"
	echo "hop,method,MemTotal KiB,free KiB,unexplained pages,allowed pages,kept KiB,freed KiB,reclaimed KiB,table entries,hop seconds" \
		>"$RUN_DIR/$NAME.csv"
	QEMU_TIMEOUT=$((120 + 60 * HOPS)) QEMU_PROGRESS=progress \
		qemu_boot $NAME "$IMAGES/bzImage-$KERNEL" "$IMAGES/initramfs-$KERNEL.cpio.gz" "$MEM" \
		"console=ttyS0 memblock=debug $EXTRA $FIRST t.mode=kexec t.hops=$HOPS" $((HOPS + 1)) || ok=0
	echo >&2
	tap_check "$KERNEL: $HOPS hops ran and the last generation powered off" [ $ok = 1 ]
	tap_check "no BUG, WARNING, Call Trace, Oops or Bad page state anywhere on the console" \
		[ -z "$(qemu_bad_lines $NAME)" ]
	[ -z "$KHO" ] ||
		tap_check "kho=on: KHO $([ "$KHO" = on ] && echo ran || echo "switched itself off") in generation 1" \
			kho_state
	for hop in $(seq 1 "$HOPS"); do
		check_hop "$hop"
	done
	plot
	echo "# $RUN_DIR: $NAME.log, $NAME.csv$( [ -s "$RUN_DIR/$NAME.png" ] && echo ", $NAME.png")"
	tap_done
}

main
