# bash completion for baton, printed by `baton completion bash`.
# Install: baton completion bash > ~/.local/share/bash-completion/completions/baton
# (cmake --install puts it in share/bash-completion/completions/).
#
# Each Tab asks baton itself (`baton __complete -- WORDS...`), so
# commands, flags, enum values and the commands of plugins installed
# later all complete. Answer: a kind (words, files or dirs), then the
# candidates.
_baton() {
  local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} i
  local -a pre=() out=()
  # --plugins DIR typed earlier on the line adds DIR's plugins.
  for ((i = 1; i < COMP_CWORD - 1; i++)); do
    if [[ ${COMP_WORDS[i]} == --plugins ]]; then
      pre+=(--plugins "${COMP_WORDS[i + 1]}")
    fi
  done
  mapfile -t out < <("$prog" "${pre[@]}" __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  case ${out[0]-} in
  files)
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    ;;
  dirs)
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    ;;
  *) COMPREPLY=("${out[@]:1}") ;;
  esac
}
complete -F _baton baton
