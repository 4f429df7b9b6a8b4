#!/bin/bash
# numa.sh - the boot-services free respects NUMA node boundaries.  QEMU
# gives the guest two nodes whose boundary falls 2 MiB into a naturally
# aligned 4 MiB block of a boot-services range the kernel frees: a block
# free that took its order from alignment alone would credit the whole
# block to the head page's node.  Every page must be counted by the node
# it belongs to, as in `stock', which frees page by page.
#
# Usage: tests/numa.sh RUN_DIR IMAGES_DIR     (TAP on stdout)
set -eu

RUN_DIR=$1
IMAGES=$2
MEM_MIB=512
# Node 0 ends here, in the 8.5 MiB boot-services range OVMF 2022.11 puts
# at 478.8-487.3 MiB of a 512 MiB guest; checked below, every run
BOUNDARY_MIB=482
BLOCK_MIB=4
# ours' image is a few KiB larger than stock's; node 0 holds it
IMAGE_MARGIN_PAGES=256

here=$(dirname "$0")
. "$here/lib/qemu.sh"
. "$here/lib/tap.sh"

numa_options()
{
	echo "-object memory-backend-ram,id=n0,size=${BOUNDARY_MIB}M" \
		"-numa node,nodeid=0,cpus=0,memdev=n0" \
		"-object memory-backend-ram,id=n1,size=$((MEM_MIB - BOUNDARY_MIB))M" \
		"-numa node,nodeid=1,cpus=1,memdev=n1"
}

boot()
{
	local name=$1 v=$2

	# one socket a node: CPUs sharing a cache across nodes make the
	# scheduler warn about the topology
	if QEMU_SMP=2,sockets=2,cores=1,threads=1 QEMU_EXTRA=$(numa_options) \
		qemu_boot "$name" "$IMAGES/bzImage-$v" \
		"$IMAGES/initramfs-$v.cpio.gz" ${MEM_MIB}M \
		"console=ttyS0 t.mode=report t.v=1" 1; then
		tap_pass "$v boots with two NUMA nodes split at $BOUNDARY_MIB MiB"
	else
		tap_fail "$v boots with two NUMA nodes split at $BOUNDARY_MIB MiB"
	fi
	tap_check "$v: console has no BUG/WARNING/Oops/Bad page state" \
		console_clean "$(qemu_field "$name" CONSOLE 1 clean)" "$(qemu_bad_lines "$name")"
	tap_check "$v: the kernel sees node 1 ($(qemu_field "$name" NODES 1 managed))" \
		tap_int "NODES managed, node 1 of $name" "$(managed "$name" 1)" 1
}

# console_clean CLEAN BAD_LINES: the guest says clean=yes and the host
# finds no bad line
console_clean()
{
	[ "$1" = yes ] || { echo "CONSOLE clean=$1"; return 1; }
	[ -z "$2" ] || { printf '%s\n' "$2" | head -n 3; return 1; }
}

# same_pages FIELD OURS STOCK MARGIN: both present, |OURS - STOCK| <= MARGIN
same_pages()
{
	local d

	tap_int "$1 (ours)" "$2" && tap_int "$1 (stock)" "$3" || return 1
	d=$(($2 - $3))
	echo "difference $d pages, margin $4"
	[ "${d#-}" -le "$4" ]
}

# managed BOOT NODE: pages NODE's zones manage
managed()
{
	qemu_field "$1" NODES 1 managed | tr ',' '\n' | sed -n "s/^$2://p"
}

# Is the boundary inside a range ours' table calls freed, with the whole
# aligned block around it?  Otherwise this test proves nothing.
boundary_in_freed_block()
{
	local b=$((BOUNDARY_MIB << 20)) half=$((BLOCK_MIB << 19)) first last

	qemu_lines "$1" TABLE 1 | while read -r range _ _ state _; do
		[ "$state" = freed ] || continue
		first=$((${range%-*}))
		last=$((${range#*-}))
		if [ "$first" -le $((b - half)) ] && [ "$last" -ge $((b + half - 1)) ]; then
			echo "$range"
			break
		fi
	done
}

boot numa-stock stock
boot numa-ours ours

range=$(boundary_in_freed_block numa-ours)
tap_check "the node boundary at $BOUNDARY_MIB MiB is inside a freed range with the whole ${BLOCK_MIB} MiB block around it (${range:-none: the firmware layout moved, pick another boundary})" \
	[ -n "$range" ]
tap_check "node 1 manages as many pages under ours as under stock ($(managed numa-ours 1), $(managed numa-stock 1))" \
	same_pages "NODES managed, node 1" "$(managed numa-ours 1)" "$(managed numa-stock 1)" 0
tap_check "node 0 manages as many pages under ours as under stock, give or take ours' larger image ($(managed numa-ours 0), $(managed numa-stock 0))" \
	same_pages "NODES managed, node 0" "$(managed numa-ours 0)" "$(managed numa-stock 0)" "$IMAGE_MARGIN_PAGES"
tap_done
