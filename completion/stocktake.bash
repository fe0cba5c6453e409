# bash completion for stocktake(1). Installed by `cmake --install` as
# share/bash-completion/completions/stocktake. Completes global options,
# commands and sub-commands from the lists below, and a command's own options
# from its `--help`. tests/integration/docs_drift.sh fails when a command of
# `stocktake --help` is missing here.

_stocktake_global_options="--db --now --as --json --wait --backdate --help --version"
_stocktake_commands="init migrate person import export release feature intervene report check log
  protocol propose object answer reply resolve withdraw decide proposal
  design-check support-matrix ingest series thread stats draft-objection serve token"

# The sub-commands of a command, or nothing when it takes none.
_stocktake_subcommands() {
  case $1 in
    person) echo "add list passwd" ;;
    token) echo "create list revoke" ;;
    release) echo "list show add slip ship carry-over" ;;
    feature) echo "add set rename remove restore show list history" ;;
    protocol) echo "add list show history set impl waive check" ;;
    proposal) echo "list show" ;;
    ingest) echo "mbox maildir git relink" ;;
    series) echo "list" ;;
    thread) echo "show" ;;
    draft-objection) echo "list confirm dismiss" ;;
  esac
}

# COMPREPLY=($(compgen ...)) is the completion idiom: words never hold spaces.
# shellcheck disable=SC2207
_stocktake() {
  local cur prev word command="" subcommand="" i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=""
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  # Find the command and sub-command typed so far, skipping global options and
  # the values of those that take one.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --db | --now | --as) ((i++)) ;;
      -*) ;;
      *)
        if [ -z "$command" ]; then
          command=$word
        elif [ -z "$subcommand" ] && [ -n "$(_stocktake_subcommands "$command")" ]; then
          subcommand=$word
        fi
        ;;
    esac
  done
  case $prev in
    --db | -o | --output | --design-doc)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --now | --as | --since | --reason | --text | --rationale | --listen | --threads | --base-url)
      return
      ;;
  esac
  if [ -z "$command" ]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$_stocktake_global_options" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$_stocktake_commands" -- "$cur"))
    fi
    return
  fi
  local subcommands
  subcommands=$(_stocktake_subcommands "$command")
  if [ -n "$subcommands" ] && [ -z "$subcommand" ]; then
    COMPREPLY=($(compgen -W "$subcommands --help" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    # The command's own options, as its --help lists them.
    local options words=("$command")
    [ -n "$subcommand" ] && words+=("$subcommand")
    options=$("${COMP_WORDS[0]}" "${words[@]}" --help 2>/dev/null |
      sed -n 's/^ *\(-[a-z],\)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p')
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi
  # Arguments are files (project files, mboxes, Maildirs, repositories) or
  # names only the database knows.
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _stocktake stocktake
