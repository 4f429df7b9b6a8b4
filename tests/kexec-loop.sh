#!/bin/bash
# kexec-loop.sh - boot under QEMU + OVMF, then kexec HOPS times in one
# QEMU run, alternating kexec_load (kexec -l) and kexec_file_load
# (kexec -s -l), and check five invariants after every hop:
#   1 no leak: no PG_reserved page in ranges the table calls freed or
#     reclaimed beyond what the kernel reserved for itself (bscheck lists
#     it); a kernel without the table cannot tell its own pages from a
#     leak, so there every PG_reserved page in generation 1's ranges counts
#   2 no double free: the generation's console has no BUG, WARNING, Call
#     Trace, Oops, Bad page state or page-poison report
#   3 kept ranges intact: every firmware-owned range hashes as in gen 1
#   4 table continuity: generation = hop + 1, the same firmware ranges,
#     and the kernel accepted its predecessor's table (CRC and rules)
#   5 no drift: MemTotal and free memory within a bound of generation 2's
# TAP on stdout (one test point per hop and invariant), progress on
# stderr, and in RUN_DIR: the serial log, kexec-loop.csv and, with
# gnuplot, kexec-loop.png.
#
# Usage: tests/kexec-loop.sh [-n HOPS] [-m MEM] [-k ours|stock|prefix] [-e]
#                            [-x WORDS] RUN_DIR IMAGES_DIR
#   -e  boot generation 1 with efi=debug (later generations without)
#   -x  more kernel command-line words, for every generation
set -eu

HOPS=10
MEM=512M
KERNEL=ours
FIRST=""
EXTRA=""
MEMTOTAL_BOUND_KIB=1024
FREE_BOUND_KIB=4096

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"
. "$here/lib/usage.sh"

while getopts "n:m:k:ex:" o; do
	case $o in
	n) HOPS=$OPTARG ;;
	m) MEM=$OPTARG ;;
	k) KERNEL=$OPTARG ;;
	e) FIRST="efi=debug t.drop=efi=debug" ;;
	x) EXTRA=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || usage
RUN_DIR=$1
IMAGES=$2
NAME=kexec-loop

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

# seconds from generation G-1's KEXEC marker to generation G's INIT
hop_seconds()
{
	local t0 t1

	t0=$(grep -m1 "T: KEXEC gen=$(($1 - 1)) " "$RUN_DIR/$NAME.log" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
	t1=$(grep -m1 "T: INIT gen=$1 " "$RUN_DIR/$NAME.log" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
	[ -n "$t0" ] && [ -n "$t1" ] && awk "BEGIN { printf \"%.1f\", $t1 - $t0 }" || echo ""
}

check_hop()
{
	local hop=$1 gen=$(($1 + 1)) method unexplained
	local fw1 fwn hash1 hashn mt mt2 fr fr2

	method=$(qemu_field $NAME KEXEC $((gen - 1)) method)
	unexplained=$(qemu_field $NAME BSTABLE $gen unexplained)
	if [ -n "$unexplained" ]; then
		tap_ok "[ '$unexplained' = 0 ]" \
			"hop $hop ($method): no leak: $unexplained unexplained PG_reserved pages ($(qemu_field $NAME BSTABLE $gen own) of its own)"
	else
		unexplained=$(qemu_field $NAME BSCOUNT $gen reserved)
		tap_ok "[ '${unexplained:-x}' = 0 ]" \
			"hop $hop ($method): no leak: ${unexplained:-?} PG_reserved pages in generation 1's boot-services ranges (no range table)"
	fi
	tap_ok "[ '$(qemu_field $NAME CONSOLE $gen clean)' = yes ]" \
		"hop $hop: no double free: clean console"
	hash1=$(gen_lines FWHASH 1 | sort)
	hashn=$(gen_lines FWHASH $gen | sort)
	tap_ok "[ -n \"\$hash1\" ] && [ \"\$hash1\" = \"\$hashn\" ]" \
		"hop $hop: kept firmware ranges hash as in generation 1 ($(echo "$hashn" | grep -c .) ranges)"
	fw1=$(gen_lines FWRANGE 1 | sort)
	fwn=$(gen_lines FWRANGE $gen | sort)
	tap_ok "[ '$(qemu_field $NAME BSTABLE $gen generation)' = $gen ] && [ \"\$fw1\" = \"\$fwn\" ] && gen_lines DMESG $gen | grep -q 'Inherited boot services range table: generation $((gen - 1)),'" \
		"hop $hop: table continuity: generation $(qemu_field $NAME BSTABLE $gen generation), same firmware ranges, predecessor's table accepted"
	mt=$(qemu_field $NAME MEMINFO $gen MemTotal)
	mt2=$(qemu_field $NAME MEMINFO 2 MemTotal)
	fr=$(qemu_field $NAME MEMINFO $gen FreeKiB)
	fr2=$(qemu_field $NAME MEMINFO 2 FreeKiB)
	tap_ok "[ -n '$mt' ] && [ \$(( ${mt:-0} - ${mt2:-0} )) -le $MEMTOTAL_BOUND_KIB ] && [ \$(( ${mt2:-0} - ${mt:-0} )) -le $MEMTOTAL_BOUND_KIB ] && [ \$(( ${fr2:-0} - ${fr:-0} )) -le $FREE_BOUND_KIB ]" \
		"hop $hop: no drift: MemTotal $(( ${mt:-0} - ${mt2:-0} )) KiB, free $(( ${fr:-0} - ${fr2:-0} )) KiB against generation 2"
	echo "$hop,$method,$mt,$(qemu_field $NAME MEMINFO $gen MemFree),$(qemu_field $NAME BSTABLE $gen reserved),$(qemu_field $NAME BSTABLE $gen freed_kib),$(qemu_field $NAME BSTABLE $gen kept_kib),$(qemu_field $NAME BSTABLE $gen reclaimed_kib),$(qemu_field $NAME BSTABLE $gen entries),$(hop_seconds $gen)" \
		>>"$RUN_DIR/$NAME.csv"
}

plot()
{
	command -v gnuplot >/dev/null || return 0
	gnuplot 2>"$RUN_DIR/gnuplot.log" <<EOT
set terminal png size 900,500 noenhanced
set xtics $(( HOPS > 10 ? HOPS / 10 : 1 ))
set output "$RUN_DIR/$NAME.png"
set datafile separator ","
set key autotitle columnhead
set xlabel "hop"
set ylabel "MemFree (KiB)"
set y2label "PG_reserved pages in freed/reclaimed ranges"
set y2tics
set ytics nomirror
set title "$KERNEL, $MEM, $HOPS hops"
plot "$RUN_DIR/$NAME.csv" using 1:4 with linespoints title "MemFree", \
     "" using 1:5 axes x1y2 with linespoints title "reserved pages"
EOT
}

main()
{
	local hop ok=1

	mkdir -p "$RUN_DIR"
	echo "hop,method,MemTotal,MemFree,reserved pages in boot-services ranges,freed KiB,kept KiB,reclaimed KiB,table entries,hop seconds" \
		>"$RUN_DIR/$NAME.csv"
	QEMU_TIMEOUT=$((120 + 60 * HOPS)) QEMU_PROGRESS=progress \
		qemu_boot $NAME "$IMAGES/bzImage-$KERNEL" "$IMAGES/initramfs-$KERNEL.cpio.gz" "$MEM" \
		"console=ttyS0 memblock=debug log_buf_len=8M $EXTRA $FIRST t.mode=kexec t.hops=$HOPS" || ok=0
	echo >&2
	tap_ok "[ $ok = 1 ]" "$KERNEL: $HOPS hops ran and the last generation powered off"
	tap_ok "[ -z \"\$(qemu_bad_lines $NAME)\" ]" "no BUG, WARNING, Call Trace, Oops or Bad page state anywhere on the console"
	for hop in $(seq 1 "$HOPS"); do
		check_hop "$hop"
	done
	plot
	echo "# $RUN_DIR: $NAME.log, $NAME.csv$( [ -s "$RUN_DIR/$NAME.png" ] && echo ", $NAME.png")"
	tap_done
}

main
