#!/bin/bash
# bench.sh - the figures this project's claims rest on, from one run: all
# kernels of both bases (Debian's 6.12 and mainline 7.3) from the same
# tree, booted under the same QEMU + OVMF, side by side in every table.
# Writes RUN_DIR/results.md (Markdown) and the raw CSVs beside it.
#   1 leak matrix: prefix (6.12 alone), stock, ours x 512 MB, 1 GB, 2 GB
#   2 free cost: time of the efi_free_boot_services initcall, 5 boots each;
#     and of every free_reserved_area() call, by caller (the boot-services
#     free, the initrd, the kernel image's init sections), in the
#     stock-timed and ours-timed kernels, 3 boots each
#   3 kexec chain: generation 1 with efi=debug, then 3 hops, stock vs ours
#     (and ours with Kexec HandOver on 7.3)
#   4 kdump: makedumpfile -l -d 31 size, prefix (6.12) or stock (7.3) vs ours
#   5 hop time: seconds per kexec hop and its phases: stock, ours, ours
#     with the table refused, ours loaded by Debian's kexec-tools; the
#     table's own cost, timed in the guest
#   6 table scale (host): validate, merge, decide for 10 to 100000 ranges
# Figures under TCG are compared as ratios within the run.  Plots (gnuplot)
# go beside the CSVs.  A failed boot is never a figure: what it did not
# give reads n/a, a median says how many boots it is over, every sentence
# stating a fact is printed from the figures it compares, and the
# "Failures" section names each failed boot or missing figure, why, and
# its log; then, results.md written, the script exits 1.
#
# Usage: tests/bench.sh RUN_DIR IMAGES_6.12 IMAGES_7.3 [SECTION...]
#   IMAGES_*: the images directories of the two bases (mk/linux.mk)
#   SECTION: leak_matrix free_cost chain kdump_size hop_time table_scale
#   (all, in that order, by default)   HOST_BIN: the host programs
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/qemu.sh"
. "$here/lib/usage.sh"
. "$here/lib/kho.sh"

[ $# -ge 3 ] || usage
RUN_DIR=$1
BASES="6.12 7.3"
declare -A IMAGES_OF=([6.12]=$2 [7.3]=$3)
shift 3
SECTIONS=${*:-leak_matrix free_cost chain kdump_size hop_time table_scale}
FREE_BOOTS=5
TIMED_BOOTS=3
CHAIN_HOPS=3
HOPS=6

# kernels_of BASE: the kernels of BASE, prefix (before the deferred free)
# on 6.12 alone
kernels_of()
{
	case $1 in
	6.12) echo prefix stock ours ;;
	*) echo stock ours ;;
	esac
}

for section in $SECTIONS; do
	case " leak_matrix free_cost chain kdump_size hop_time table_scale " in
	*" $section "*) ;;
	*) usage ;;
	esac
done

out=$RUN_DIR/results.md
failures=$RUN_DIR/failures.md
failed_logs=$RUN_DIR/failed-logs
mkdir -p "$RUN_DIR"
: >"$failures"
: >"$failed_logs"

# failed NAME WHY LOG: a line of the Failures list
failed()
{
	echo "- \`$1\`: $2 (\`$3\`)" >>"$failures"
}

# run_failed NAME OUTPUT LOG: when OUTPUT (what a boot or a script
# printed) holds qemu_boot's reason for a failed boot, NAME goes on the
# Failures list with it, and the figures it did not give do not
run_failed()
{
	local why

	why=$(sed -n 's/^# [^ ]*: \(.*\); last 30 console lines of .*/\1/p' "$2" | head -n 1)
	[ -n "$why" ] || return 0
	echo "$3" >>"$failed_logs"
	failed "$1" "$why" "$3"
}

# need NAME WHAT VALUE: VALUE, or n/a when it is empty; then boot NAME's
# missing WHAT goes on the Failures list, unless the boot failed
need()
{
	if [ -n "$3" ]; then
		echo "$3"
		return
	fi
	grep -qxF "$RUN_DIR/$1.log" "$failed_logs" || failed "$1" "no $2" "$RUN_DIR/$1.log"
	echo n/a
}

# fig NAME MARKER GEN KEY: KEY= of the "MARKER gen=GEN" line of boot
# NAME, or n/a
fig()
{
	need "$1" "$4= in a \"$2 gen=$3\" line" "$(qemu_field "$@" 2>/dev/null)"
}

# boot_report NAME BASE KERNEL MEM LAST_GEN WORDS...: boot KERNEL of BASE
# (KERNEL-timed with KERNEL's initramfs), and note a failure
boot_report()
{
	local name=$1 images=${IMAGES_OF[$2]} kernel=$3 mem=$4 last=$5

	shift 5
	qemu_boot "$name" "$images/bzImage-$kernel" "$images/initramfs-${kernel%-timed}.cpio.gz" \
		"$mem" "console=ttyS0 memblock=debug $*" "$last" >"$RUN_DIR/$name.out" ||
		run_failed "$name" "$RUN_DIR/$name.out" "$RUN_DIR/$name.log"
}

# calc FORMAT EXPR V...: EXPR over $1.. = V... printed with FORMAT, or n/a
# when a V is not a number or EXPR divides by zero
calc()
{
	local fmt=$1 expr=$2 v r=""

	shift 2
	for v; do
		[[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || { echo n/a; return; }
	done
	r=$(awk "BEGIN { \$0 = \"$*\"; printf \"$fmt\", $expr }" 2>/dev/null) || true
	# awk prints inf or nan for a division by zero
	[[ $r =~ ^-?[0-9] ]] || r=n/a
	echo "$r"
}

mib()
{
	calc %.1f '$1 / 1024' "$1"
}

pages_mib()
{
	calc %.1f '$1 * 4 / 1024' "$1"
}

# ratio A B: A / B to two decimals
ratio()
{
	calc %.2f '$1 / $2' "$1" "$2"
}

# compare A B MORE LESS SAME: the word that is true of A against B, or
# "n/a against" when one is not a number
compare()
{
	case $(calc %d '($1 > $2) - ($1 < $2)' "$1" "$2") in
	1) echo "$3" ;;
	-1) echo "$4" ;;
	0) echo "$5" ;;
	*) echo "n/a against" ;;
	esac
}

# numbers V...: the numbers among V, one a line
numbers()
{
	printf '%s\n' "$@" | grep -E '^[0-9]+(\.[0-9]+)?$' || true
}

# median: of the numbers on stdin (the mean of the middle two for an even
# count), or n/a
median()
{
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# plot NAME GNUPLOT-COMMANDS: RUN_DIR/NAME.png, when gnuplot is there
plot()
{
	command -v gnuplot >/dev/null || return 0
	gnuplot 2>>"$RUN_DIR/gnuplot.log" <<EOT
set terminal png size 800,450 noenhanced
set output "$RUN_DIR/$1.png"
set datafile separator ","
$2
EOT
}

leak_matrix()
{
	local base v m b ranges kib res allowed unexpl mt mf fk line
	local -A leak bs

	echo "## 1. Leak matrix"
	echo
	echo "Boot-services memory in the ranges efi_reserve_boot_services() reserved (memblock=debug) above 1 MiB, and its pages still PG_reserved after boot: all of them, those the meter's allow-list explains (kernel image, setup_data, initrd, named early allocations, firmware-kept ranges; bscount prints each entry), and the rest, unexplained: the leak. Free memory is MemFree plus the per-CPU free lists."
	echo
	echo "| base | kernel | RAM | ranges | boot-services MiB | PG_reserved pages | allowed | unexplained | unexplained MiB | MemTotal KiB | free KiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	echo "base,kernel,mem,ranges,bs_kib,reserved_pages,allowed_pages,unexplained_pages,MemTotal,MemFree,FreeKiB" >"$RUN_DIR/leak.csv"
	for base in $BASES; do
		for m in 512M 1G 2G; do
			for v in $(kernels_of "$base"); do
				b=leak-$base-$v-$m
				boot_report "$b" "$base" "$v" "$m" 1 t.mode=report
				ranges=$(fig "$b" BSCOUNT 1 ranges)
				kib=$(fig "$b" BSCOUNT 1 kib)
				res=$(fig "$b" BSCOUNT 1 reserved)
				allowed=$(fig "$b" BSCOUNT 1 allowed)
				unexpl=$(fig "$b" BSCOUNT 1 unexplained)
				mt=$(fig "$b" MEMINFO 1 MemTotal)
				mf=$(fig "$b" MEMINFO 1 MemFree)
				fk=$(fig "$b" MEMINFO 1 FreeKiB)
				leak[$base-$v-$m]=$unexpl
				bs[$base-$v-$m]=$(mib "$kib")
				echo "| $base | $v | $m | $ranges | ${bs[$base-$v-$m]} | $res | $allowed | $unexpl | $(pages_mib "$unexpl") | $mt | $fk |"
				echo "$base,$v,$m,$ranges,$kib,$res,$allowed,$unexpl,$mt,$mf,$fk" >>"$RUN_DIR/leak.csv"
			done
		done
	done
	echo
	for base in $BASES; do
		for m in 512M 1G 2G; do
			line="On $base at $m"
			for v in $(kernels_of "$base"); do
				line+=", $v leaves ${leak[$base-$v-$m]} pages ($(pages_mib "${leak[$base-$v-$m]}") MiB) of its ${bs[$base-$v-$m]} MiB of boot-services memory PG_reserved unexplained"
			done
			echo "$line."
		done
	done
	echo
	# the seed thread's figure is its own, quoted
	echo "The seed thread reports about 140 MB lost on a 512 MB EC2 guest; prefix here leaves $(pages_mib "${leak[6.12-prefix-512M]}") MiB at 512M, $(compare "$(calc %.0f '$1 * 4096' "${leak[6.12-prefix-512M]}")" 140000000 more less "as much as") than that, with ${bs[6.12-prefix-512M]} MiB of boot-services memory in OVMF's map."
	echo
}

# free_usecs NAME: microseconds from the initcall_debug line that calls
# efi_free_boot_services to the one it returned by, by their printk
# timestamps.  Those come from local_clock(), the TSC here; the initcall's
# own "after N usecs" is ktime, which counts jiffies this early in boot.
free_usecs()
{
	qemu_lines "$1" DMESG 1 2>/dev/null | tr -d '[]' | awk '
		/ calling  efi_free_boot_services\+/ { t0 = $1 }
		/ initcall efi_free_boot_services\+/ { if (t0 != "") printf "%.0f", ($1 - t0) * 1e6; exit }'
}

# free_calls NAME: the free_reserved_area() calls of boot NAME of a timed
# kernel (tests/fixtures/free-reserved-area-timed-*.patch), summed by
# caller in the order they first came, one "CALLER,CALLS,PAGES,NS" line
# each: CALLER is "EFI boot services" for the unnamed calls between the
# initcall_debug lines of efi_free_boot_services, the name the caller
# gave free_reserved_area() otherwise ("(none)" for none; on 7.3,
# "memblock_phys_free from FUNCTION" for the late memblock_phys_free()
# calls, which free through the same code)
free_calls()
{
	qemu_lines "$1" DMESG 1 2>/dev/null | sed -E 's/^\[ *[0-9.]+\] //' | awk '
		/^calling  efi_free_boot_services\+/ { efi = 1; next }
		/^initcall efi_free_boot_services\+/ { efi = 0; next }
		/^free_reserved_area: .*: [0-9]+ pages in [0-9]+ ns$/ {
			n = split($0, w, " ")
			label = substr($0, 21, length($0) - 20 - length(": " w[n - 4] " pages in " w[n - 1] " ns"))
			if (efi && label == "(none)")
				label = "EFI boot services"
			if (!(label in calls))
				order[++nr] = label
			calls[label]++; pages[label] += w[n - 4]; ns[label] += w[n - 1]
		}
		END { for (i = 1; i <= nr; i++) print order[i] "," calls[order[i]] "," pages[order[i]] "," ns[order[i]] }'
}

# caller_rows CSV: the rows of the by-caller table from CSV's
# "base,kernel,boot,caller,calls,pages,ns" lines: per base and caller,
# each kernel's calls and pages (every value seen, "/" between), median
# ns and the boots it is over, and stock's nanoseconds per page over
# ours' (n/a unless each kernel freed one number of pages)
caller_rows()
{
	awk -F, 'NR > 1 {
			k = $1 SUBSEP $4
			if (!(k in seen)) { seen[k] = 1; order[++nr] = k }
			kk = k SUBSEP $2
			if (index("/" calls[kk] "/", "/" $5 "/") == 0) calls[kk] = calls[kk] (calls[kk] == "" ? "" : "/") $5
			if (index("/" pages[kk] "/", "/" $6 "/") == 0) pages[kk] = pages[kk] (pages[kk] == "" ? "" : "/") $6
			ns[kk, ++n[kk]] = $7
		}
		function median(kk,   i, j, t, c, v) {
			c = n[kk]
			if (!c) return "n/a"
			for (i = 1; i <= c; i++) v[i] = ns[kk, i]
			for (i = 2; i <= c; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			return sprintf("%.0f", c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2)
		}
		function cell(x) { return x == "" ? "n/a" : x }
		END {
			for (i = 1; i <= nr; i++) {
				split(order[i], bk, SUBSEP)
				ks = order[i] SUBSEP "stock"; ko = order[i] SUBSEP "ours"
				s = median(ks); o = median(ko)
				sp = pages[ks]; op = pages[ko]
				r = "n/a"
				if (s != "n/a" && o != "n/a" && o > 0 && sp ~ /^[0-9]+$/ && op ~ /^[0-9]+$/ && sp > 0)
					r = sprintf("%.2f", (s / sp) / (o / op))
				printf "| %s | %s | %s | %s | %s | %d | %s | %s | %s | %d | %s |\n", bk[1], bk[2],
					cell(calls[ks]), cell(sp), s, n[ks], cell(calls[ko]), cell(op), o, n[ko], r
			}
		}' "$1"
}

free_cost()
{
	local base v i b us rows csv=$RUN_DIR/free-calls.csv
	local -a t
	local -A median_of ranges unexpl

	echo "## 2. Free cost"
	echo
	echo "Time of the efi_free_boot_services initcall: from its initcall_debug \"calling\" line to its \"returned\" line by their printk timestamps, $FREE_BOOTS boots each at 512 MB, with quiet so no console output falls inside it. The median is over the boots that gave a time."
	echo
	echo "| base | kernel | usecs per boot | median | boots measured |"
	echo "|---|---|---|---|---|"
	echo "base,kernel,boot,usecs" >"$RUN_DIR/free-cost.csv"
	for base in $BASES; do
		for v in stock ours; do
			t=()
			for i in $(seq $FREE_BOOTS); do
				b=free-$base-$v-$i
				boot_report "$b" "$base" "$v" 512M 1 quiet initcall_debug t.mode=report
				us=$(need "$b" "initcall_debug lines of efi_free_boot_services" "$(free_usecs "$b")")
				t+=("$us")
				echo "$base,$v,$i,$us" >>"$RUN_DIR/free-cost.csv"
				ranges[$base-$v]+="$(fig "$b" BSCOUNT 1 ranges) ranges of $(fig "$b" BSCOUNT 1 kib) KiB"$'\n'
				unexpl[$base-$v]+="$(fig "$b" BSCOUNT 1 unexplained)"$'\n'
			done
			median_of[$base-$v]=$(numbers "${t[@]}" | median)
			ranges[$base-$v]=$(echo -n "${ranges[$base-$v]}" | sort -u | paste -sd ';' | sed 's/;/; /g')
			unexpl[$base-$v]=$(echo -n "${unexpl[$base-$v]}" | sort -u | paste -sd ',' | sed 's/,/, /g')
			echo "| $base | $v | ${t[*]} | ${median_of[$base-$v]} | $(numbers "${t[@]}" | wc -l) of $FREE_BOOTS |"
		done
	done
	plot free-cost 'set title "efi_free_boot_services, 512 MB"
set ylabel "usecs"
set xlabel "boot"
set xtics 1
set yrange [0:*]
plot for [k in "6.12,stock 6.12,ours 7.3,stock 7.3,ours"] "< grep ^".k.", '"$RUN_DIR"'/free-cost.csv" using 3:4 with linespoints title k'
	echo
	for base in $BASES; do
		echo "On $base, median stock/ours: $(ratio "${median_of[$base-stock]}" "${median_of[$base-ours]}")x."
		if [ "${ranges[$base-stock]}" = "${ranges[$base-ours]}" ]; then
			echo "Both kernels freed the same boot-services ranges in every boot: ${ranges[$base-ours]}."
		else
			echo "The kernels' boot-services ranges were not the same: stock ${ranges[$base-stock]}, ours ${ranges[$base-ours]}."
		fi
		echo "Unexplained PG_reserved pages in them after boot: stock ${unexpl[$base-stock]}, ours ${unexpl[$base-ours]}."
		echo
	done
	echo "stock's free_reserved_area() frees page by page; ours' frees naturally aligned blocks of up to MAX_PAGE_ORDER (the series' mm patch, its last on both bases), for every caller, not only the boot-services free. The kernels stock-timed and ours-timed are stock and ours with the time of each call in the log (local_clock() around it; tests/fixtures/free-reserved-area-timed-*.patch), booted $TIMED_BOOTS times each at 512 MB as above; \"EFI boot services\" is every unnamed call inside the efi_free_boot_services initcall, the other callers are named by the name they give free_reserved_area(), or on 7.3, where memblock_phys_free() frees through the same code once slab is up, \"memblock_phys_free from\" its caller. Per caller, the calls and pages of each kernel (every value seen, \"/\" between), the median over its boots of the nanoseconds spent in its calls, the boots that median is over, and stock's nanoseconds per page over ours':"
	echo
	echo "| base | caller | stock calls | stock pages | stock ns | stock boots | ours calls | ours pages | ours ns | ours boots | stock/ours per page |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	echo "base,kernel,boot,caller,calls,pages,ns" >"$csv"
	for base in $BASES; do
		for v in stock ours; do
			for i in $(seq $TIMED_BOOTS); do
				b=timed-$base-$v-$i
				boot_report "$b" "$base" "$v-timed" 512M 1 quiet initcall_debug t.mode=report
				# a failed boot gives no figure, even the calls it logged
				grep -qxF "$RUN_DIR/$b.log" "$failed_logs" && continue
				free_calls "$b" >"$RUN_DIR/$b.calls"
				[ -s "$RUN_DIR/$b.calls" ] || need "$b" "free_reserved_area: lines" "" >/dev/null
				sed "s/^/$base,$v,$i,/" "$RUN_DIR/$b.calls" >>"$csv"
			done
		done
	done
	rows=$(caller_rows "$csv")
	echo "$rows"
	echo
	for base in $BASES; do
		echo "$rows" | awk -F' [|] ' -v b="$base" '
			$1 == "| " b { n++; if ($NF + 0 > 1) f++; l = l (l == "" ? "" : ", ") $2 " " substr($NF, 1, length($NF) - 2) }
			END { printf "On %s, stock/ours per page: %s; ours is faster for %d of the %d callers.\n", b, n ? l : "n/a", f, n }'
	done
	echo
}

# chain_runs BASE: the chains of BASE, one "NAME|KERNEL|WORDS" line each:
# stock and ours, and on 7.3 ours with Kexec HandOver running, which
# hands the table of its kexec -s -l hops through KHO
chain_runs()
{
	echo "stock|stock|"
	echo "ours|ours|"
	[ "$1" = 6.12 ] || echo "ours-kho|ours|$(kho_words on)"
}

# routes BOOT LAST ROUTE: how many of generations 2-LAST of BOOT took the
# table from ROUTE (tests/lib/kho.sh)
routes()
{
	local g n=0

	for g in $(seq 2 "$2"); do
		! table_from "$1" "$g" "$3" 2>/dev/null || n=$((n + 1))
	done
	echo $n
}

chain()
{
	local base name v words b gen=$((CHAIN_HOPS + 1))
	local -A unexpl allowed memtotal

	echo "## 3. Kexec chain"
	echo
	echo "Generation 1 booted with efi=debug, then $CHAIN_HOPS hops (alternating kexec -l and kexec -s -l) without it; figures of generation $gen, over generation 1's boot-services ranges. ours-kho runs Kexec HandOver in every generation ($(kho_words on)): its kexec -s -l hops hand the table through KHO."
	echo
	echo "| base | kernel | PG_reserved MiB | allowed MiB | unexplained MiB | MemTotal KiB |"
	echo "|---|---|---|---|---|---|"
	for base in $BASES; do
		while IFS='|' read -r name v words; do
			b=chain-$base-$name
			boot_report "$b" "$base" "$v" 512M $gen efi=debug t.drop=efi=debug t.mode=kexec t.hops=$CHAIN_HOPS $words
			unexpl[$base-$name]=$(fig "$b" BSCOUNT $gen unexplained)
			allowed[$base-$name]=$(fig "$b" BSCOUNT $gen allowed)
			memtotal[$base-$name]=$(fig "$b" MEMINFO $gen MemTotal)
			echo "| $base | $name | $(pages_mib "$(fig "$b" BSCOUNT $gen reserved)") | $(pages_mib "${allowed[$base-$name]}") | $(pages_mib "${unexpl[$base-$name]}") | ${memtotal[$base-$name]} |"
		done < <(chain_runs "$base")
	done
	echo
	for base in $BASES; do
		echo "On $base, in generation $gen stock leaves ${unexpl[$base-stock]} pages ($(pages_mib "${unexpl[$base-stock]}") MiB) of generation 1's ranges PG_reserved beyond its allow-list, ours ${unexpl[$base-ours]} ($(pages_mib "${unexpl[$base-ours]}") MiB; its allow-list holds ${allowed[$base-ours]}); ours' MemTotal is $(calc %d '$1 - $2' "${memtotal[$base-ours]}" "${memtotal[$base-stock]}") KiB $(compare "${memtotal[$base-ours]}" "${memtotal[$base-stock]}" above below "the same as") stock's."
	done
	echo "With KHO (7.3), ours leaves ${unexpl[7.3-ours-kho]} pages unexplained (its allow-list holds ${allowed[7.3-ours-kho]}); of generations 2-$gen, $(routes chain-7.3-ours-kho $gen KHO) took the table from KHO and $(routes chain-7.3-ours-kho $gen setup_data) from setup_data."
	echo
}

# size_against A B: A bytes against B, "N MiB larger than", "N MiB
# smaller than", "the same size as", or "n/a against"
size_against()
{
	local mib

	mib=$(calc %.1f '($1 > $2 ? $1 - $2 : $2 - $1) / 2^20' "$1" "$2")
	compare "$1" "$2" "$mib MiB larger than" "$mib MiB smaller than" "the same size as"
}

kdump_size()
{
	local base v d b tap first
	local -A bytes unexpl

	echo "## 4. kdump"
	echo
	echo "Crash after boot (kexec -p, crashkernel=160M at 512 MB), dump from the capture kernel; the crashed kernel's unexplained PG_reserved pages in its boot-services ranges beside. 6.12 compares ours with prefix, which leaks; 7.3, with stock."
	echo
	echo "| base | kernel | makedumpfile -l -d 31 bytes | -d 0 bytes | seconds | unexplained pages |"
	echo "|---|---|---|---|---|---|"
	b=kdump-after-hop0-c
	for base in $BASES; do
		first=$(kernels_of "$base" | cut -d' ' -f1)
		for v in $first ours; do
			d=$RUN_DIR/kdump-$base-$v
			tap=$RUN_DIR/kdump-$base-$v.tap
			# kdump.sh's own checks (the table reaches the capture
			# kernel) are make check's; a boot that fails is the bench's
			"$here/kdump.sh" -k $v "$d" "${IMAGES_OF[$base]}" >"$tap" 2>&1 || true
			RUN_DIR=$d run_failed "kdump-$base-$v" "$tap" "$d/$b.log"
			bytes[$base-$v]=$(RUN_DIR=$d fig $b DUMP - bytes)
			unexpl[$base-$v]=$(RUN_DIR=$d fig $b BSCOUNT 1 unexplained)
			echo "| $base | $v | ${bytes[$base-$v]} | $(RUN_DIR=$d fig $b DUMP0 - bytes) | $(RUN_DIR=$d fig $b DUMP - seconds) | ${unexpl[$base-$v]} |"
		done
	done
	echo
	echo "makedumpfile -d 31 leaves free pages out of the dump, and leaked pages are not free."
	for base in $BASES; do
		first=$(kernels_of "$base" | cut -d' ' -f1)
		echo "On $base, $first's dump is $(size_against "${bytes[$base-$first]}" "${bytes[$base-ours]}") ours, its crashed kernel having $(pages_mib "${unexpl[$base-$first]}") MiB unexplained PG_reserved against ours' $(pages_mib "${unexpl[$base-ours]}") MiB."
	done
	echo
}

# hop_phases RUN: the number of hops from kexec -e to the next /init, and
# the mean host seconds of them and of three phases: up to the next
# kernel's first console line (purgatory, decompression, setup_arch:
# where a kernel validates the table it inherits and decides its
# verdicts), the initramfs unpack, and the rest.  Prints "hops | hop | to
# console | unpack | rest", n/a for means of no hop.
hop_phases()
{
	grep -E 'T: (KEXEC|INIT) gen|\] (Linux version|Unpacking initramfs|Freeing initrd memory)' "$1/kexec-loop.log" 2>/dev/null |
		sed -E 's/^\[ *([0-9.]+)\] (\[ *[0-9.]+\] )?/\1 /' |
		awk '$2 == "T:" && $3 == "KEXEC" { k = $1; next }
			!k { next }
			$2 == "Linux" { l = $1 }
			$2 == "Unpacking" { u = $1 }
			$2 == "Freeing" { f = $1 }
			$2 == "T:" && $3 == "INIT" { hop += $1 - k; pre += l - k; unp += f - u; n++; k = 0 }
			END { if (n) printf "%d | %.2f | %.2f | %.2f | %.2f", n, hop / n, pre / n, unp / n, (hop - pre - unp) / n; else printf "0 | n/a | n/a | n/a | n/a" }'
}

# initrd_at RUN: where the second generation's initrd was loaded
initrd_at()
{
	grep -E '\] RAMDISK: \[mem ' "$1/kexec-loop.log" 2>/dev/null | sed -n '2s/.*RAMDISK: \[mem \(0x[0-9a-f]*\)-.*/\1/p'
}

# Rows of the hop-time table: NAME, kernel, label, command-line words
hop_runs()
{
	local bad

	bad=$(printf 'crc,%.0s' $(seq "$1"))
	echo "stock|stock|stock|"
	echo "ours|ours|ours|"
	echo "ours-refused|ours|ours, table refused|t.bad=${bad%,}"
	echo "ours-debian-kexec|ours|ours kernel, Debian's kexec-tools|t.kexec=stock"
}

# later_markers RUN ERE: markers of the generations after the first in
# loop RUN that match ERE
later_markers()
{
	RUN_DIR=$1 qemu_markers kexec-loop 2>/dev/null |
		grep -E '^[A-Z-]+ gen=([2-9]|[1-9][0-9]+) ' | grep -cE "$2" || true
}

# kernel_lines RUN TEXT: console lines of loop RUN's kernels with TEXT
kernel_lines()
{
	RUN_DIR=$1 qemu_console kexec-loop 2>/dev/null | grep -v '^T: ' | grep -cF "$2" || true
}

hop_time()
{
	local base name v label words phases ns ranges d refused debian
	local -A mean hops

	echo "## 5. Hop time"
	echo
	echo "$HOPS hops through kexec_load (t.kx=c) in one QEMU run per row, KUnit off (kunit.enable=0): seconds from kexec -e to the next /init by the host clock, and the means of three phases of a hop: up to the next kernel's first console line (purgatory, decompression, setup_arch, where the table is validated and the verdicts made), the initramfs unpack, and the rest. In \"ours, table refused\" each kernel hands the next one a table with a broken CRC (t.bad=crc). In the last row of a base the ours kernels load each other with Debian's kexec-tools, which places segments without regard to kept ranges."
	echo
	echo "| base | kernel | hops measured | seconds per hop (mean) | to console | initramfs unpack | rest | initrd at |"
	echo "|---|---|---|---|---|---|---|---|"
	for base in $BASES; do
		while IFS='|' read -r name v label words; do
			d=$RUN_DIR/loop-$base-$name
			# kexec-loop.sh's invariants are make check's (a refused
			# table breaks continuity on purpose); a hop that does not
			# happen is the bench's
			"$here/kexec-loop.sh" -n $HOPS -k "$v" -x "kunit.enable=0 t.kx=c $words" \
				"$d" "${IMAGES_OF[$base]}" >"$d.tap" 2>&1 || true
			RUN_DIR=$d run_failed "loop-$base-$name" "$d.tap" "$d/kexec-loop.log"
			phases=$(hop_phases "$d")
			hops[$base-$name]=${phases%% *}
			[ "${hops[$base-$name]}" = "$HOPS" ] || grep -qxF "$d/kexec-loop.log" "$failed_logs" ||
				failed "loop-$base-$name" "${hops[$base-$name]} of $HOPS hops measured" "$d/kexec-loop.log"
			phases=${phases#* | }
			mean[$base-$name]=${phases%% *}
			echo "| $base | $label | ${hops[$base-$name]} of $HOPS | $phases | $(RUN_DIR=$d need kexec-loop "second RAMDISK line" "$(initrd_at "$d")") |"
		done < <(hop_runs $HOPS)
	done
	echo
	for base in $BASES; do
		refused=$RUN_DIR/loop-$base-ours-refused
		debian=$RUN_DIR/loop-$base-ours-debian-kexec
		echo "On $base, ratios to stock: ours $(ratio "${mean[$base-ours]}" "${mean[$base-stock]}"), ours with the table refused $(ratio "${mean[$base-ours-refused]}" "${mean[$base-stock]}"), ours kernel with Debian's kexec-tools $(ratio "${mean[$base-ours-debian-kexec]}" "${mean[$base-stock]}")."
		echo "With the table refused, $(later_markers "$refused" '^SETUP-DATA .*0x45420001') of the ${hops[$base-ours-refused]} kernels kexec'd were handed a table and $(kernel_lines "$refused" 'efi: Ignoring the inherited boot services range table: CRC mismatch') logged \"Ignoring the inherited boot services range table: CRC mismatch\"; with Debian's kexec-tools $(later_markers "$debian" '^SETUP-DATA .*0x45420001') of ${hops[$base-ours-debian-kexec]} were handed a table."
		echo
	done
	boot_report table-cost 6.12 ours 512M 1 t.mode=report t.cost=1
	ns=$(fig table-cost TABLECOST 1 ns)
	ranges=$(fig table-cost TABLECOST 1 ranges)
	echo "The table's own cost is timed in the guest, on the same emulated CPU: the rules' work a kernel inheriting this boot's table ($ranges ranges) does in one hop (validate, decide and check cover for every range, merge, seal; bench_table in the guest) takes $ns ns, $(calc %.4f '$1 / ($2 * 1e7)' "$ns" "${mean[6.12-ours]}") % of a 6.12 ours hop. The kernel's own calls around the rules (the e820 lookups of validation, the log's allocation) are not in that figure."
	echo
}

table_scale()
{
	local csv=$RUN_DIR/table-scale.csv max at above

	max=$(grep -o 'EFI_BS_RANGES_MAX_ENTRIES[[:space:]]*[0-9]*' "$here/../include/efi_bs_ranges.h" | awk '{print $2}')
	echo "## 6. Table scale (host)"
	echo
	echo "validate, merge and decide, nanoseconds for the whole table, and ns_per_range: the three together over the ranges (the host shim's CRC is bitwise; the kernel's is sliced)."
	echo
	if ! "${HOST_BIN:-HOST_BIN-not-set}/bench_table" >"$csv" 2>"$RUN_DIR/table-scale.err"; then
		failed bench_table "$(head -n 1 "$RUN_DIR/table-scale.err")" "$RUN_DIR/table-scale.err"
		echo "n/a"
		echo
		return
	fi
	awk -F, '{ print "| " $1 " | " $2 " | " $3 " | " $4 " | " $5 " |" } NR == 1 { print "|---|---|---|---|---|" }' "$csv"
	plot table-scale 'set title "range table rules on the host: ns per range (flat = linear)"
set logscale xy
set xlabel "ranges"
set ylabel "ns per range"
plot "'"$csv"'" using 1:($2 / $1) every ::1::3 with linespoints title "validate", "" using 1:($3 / $1) every ::1 with linespoints title "merge", "" using 1:($4 / $1) every ::1 with linespoints title "decide"'
	at=$(awk -F, -v m="$max" 'NR > 1 && $1 == m { print $2 }' "$csv")
	above=$(awk -F, -v m="$max" 'NR > 1 && $1 > m { printf "%s%s ns at %s", s, $2, $1; s = ", " }' "$csv")
	echo
	echo "The setup_data path accepts at most $max ranges (EFI_BS_RANGES_MAX_ENTRIES): validation took ${at:-n/a} ns at $max ranges and ${above:-n/a} ranges, where a table breaks rule 6 (too many entries), checked before its CRC."
	echo
}

{
	echo "# Results"
	echo
	echo "$(date -u +%Y-%m-%d), $(qemu-system-x86_64 --version | head -n 1), OVMF $(dpkg-query -W -f='${Version}' ovmf), kernels $(dpkg-query -W -f='${Version}' linux-source-6.12) and $(dpkg-query -W -f='${Version}' linux-source-7.3) (tinyconfig-based), host $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, TCG, tree $(git -C "$here/.." describe --always --dirty 2>/dev/null || echo "not a git checkout"). Made by \`make bench\`; the CSVs and plots (PNG) it read are kept beside results.md in its run directory."
	echo
	for section in $SECTIONS; do
		"$section"
	done
	echo "## Failures"
	echo
	if [ -s "$failures" ]; then
		echo "$(wc -l <"$failures") failed; their figures read n/a above:"
		echo
		cat "$failures"
	else
		echo "None: every boot and run of $(echo "$SECTIONS" | sed 's/ /, /g') ended as asked and gave every figure read."
	fi
} >"$out"
cat "$out"
[ ! -s "$failures" ]
