#!/bin/bash
# apply-patches.sh - apply patches in order to a pristine tree with
# `patch -p1 -N`; stop at the first one that does not apply cleanly,
# naming it.
#
# Usage: scripts/apply-patches.sh TREE PATCH...
set -eu

tree=${1:?usage: apply-patches.sh TREE PATCH...}
shift
for p in "$@"; do
	abs=$(realpath "$p")
	if ! out=$(cd "$tree" && patch -p1 -N -s --no-backup-if-mismatch <"$abs" 2>&1) ||
	   [ -n "$(find "$tree" -name '*.rej' -print -quit)" ]; then
		echo "error: patch $p does not apply to $tree: $(echo "$out" | head -n 1)" >&2
		exit 1
	fi
done
