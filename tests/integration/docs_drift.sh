#!/usr/bin/env bash
# The man page (docs/stocktake.1) and the bash completion
# (completion/stocktake.bash) name every command and global option that the
# binary's --help offers, and nothing it does not, so they cannot drift.
#   tests/integration/docs_drift.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
man="$root/docs/stocktake.1"
completion="$root/completion/stocktake.bash"

if ! python3 "$root/tests/integration/help_commands.py" "$stocktake" >"$work/help"; then
  echo "FAIL: could not read the commands from --help"
  exit 1
fi
sed -n 's/^option //p' "$work/help" >"$work/options"
sed -n 's/^command //p' "$work/help" >"$work/commands"
sed -n 's/^group //p' "$work/help" >"$work/groups"

# The man page's entries: the tag line of each .TP, with the roff removed, in
# the GLOBAL OPTIONS and COMMANDS sections.
man_entries() {  # man_entries SECTION
  awk -v section="$1" '
    /^\.SH / { inside = ($0 ~ "^\\.SH \"?" section) }
    inside && previous == ".TP" { print }
    { previous = $0 }' "$man" |
    sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/^\.[A-Z]* //' -e 's/"//g' -e 's/  */ /g'
}
man_entries "GLOBAL OPTIONS" >"$work/man-options"
man_entries COMMANDS >"$work/man-commands"
check "man page has global options" test -s "$work/man-options"
check "man page has commands" test -s "$work/man-commands"
while read -r option; do
  check "man page: $option" grep -qE "(^| )$option( |,|$)" "$work/man-options"
done <"$work/options"
while read -r command; do
  check "man page: $command" grep -qE "^$command( |$)" "$work/man-commands"
done <"$work/commands"
# And the other way: every command the man page describes exists.
while read -r first second _; do
  if grep -qx "$first" "$work/groups"; then
    check "man page: '$first $second' exists" grep -qx "$first $second" "$work/commands"
  else
    check "man page: '$first' exists" grep -qx "$first" "$work/commands"
  fi
done <"$work/man-commands"

# The completion, asked as bash asks it: the words offered after the given ones.
offered() {  # offered WORD... (the last one is the word being completed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _stocktake
           printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
offered stocktake "" >"$work/offered-commands"
offered stocktake -- >"$work/offered-options"
while read -r option; do
  check "completion: $option" grep -qx -- "$option" "$work/offered-options"
done <"$work/options"
while read -r command; do
  verb=${command%% *}
  if [ "$verb" = "$command" ]; then
    check "completion: $command" grep -qx "$command" "$work/offered-commands"
  else
    offered stocktake "$verb" "" >"$work/offered-sub"
    check "completion: $command" grep -qx "${command#* }" "$work/offered-sub"
  fi
done <"$work/commands"
cat "$work/commands" "$work/groups" | cut -d' ' -f1 | sort -u >"$work/verbs"
while read -r word; do
  check "completion: '$word' exists" grep -qx "$word" "$work/verbs"
done <"$work/offered-commands"
while read -r verb; do
  offered stocktake "$verb" "" | grep -vx -- --help >"$work/offered-sub"
  while read -r sub; do
    check "completion: '$verb $sub' exists" grep -qx "$verb $sub" "$work/commands"
  done <"$work/offered-sub"
done <"$work/groups"

finish
