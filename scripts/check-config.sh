#!/bin/bash
# check-config.sh - fail if an option requested by a config fragment did
# not survive into the final .config (a missing dependency drops it
# silently in olddefconfig).
#
# Usage: scripts/check-config.sh DOTCONFIG FRAGMENT...
set -eu

config=${1:?usage: check-config.sh DOTCONFIG FRAGMENT...}
shift
bad=0
for frag in "$@"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)	want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*)		continue ;;
		esac
		opt=$(echo "$want" | grep -o 'CONFIG_[A-Za-z0-9_]*')
		have=$(grep -E "^($opt=|# $opt is not set)" "$config" || true)
		if [ "${want#\# }" != "$want" ] && [ -z "$have" ]; then
			continue	# "is not set" and absent: not set either way
		fi
		if [ "$have" != "$want" ]; then
			echo "error: $frag asks for '$want' but .config has '${have:-nothing}'" >&2
			bad=1
		fi
	done <"$frag"
done
exit $bad
