#!/usr/bin/env bash
# The dairly GitHub Action's one step (action.yml at the repository root calls it).
#
# Runs `dairly check` or `dairly publish` on the notes repository in the current folder
# with the Python that actions/setup-python chose. The inputs come as environment
# variables, never pasted into the script by `${{ }}`, so no input can inject shell code:
#
#   INPUT_COMMAND  check | publish
#   INPUT_PUSH     true | false   (publish only: push the commit to the branch's upstream)
#   INPUT_ARGS     extra options for the command, split like a shell command line
#   INPUT_ROOT     the notes repository's folder (dairly --root); empty: dairly's default
#   PYTHON         the interpreter (setup-python's python-path); default: python3
#
# Exit codes: dairly's own (0 in sync or published, 1 stale, 2 bad input, 3 git refused,
# 4 busy); 2 for a bad input of the action, reported before anything runs; pip's when
# dairly cannot be installed. Each failure of the action's own ends in an ::error:: line.
set -euo pipefail

# A GitHub workflow command: the message goes to the run's summary as an error
# annotation. `%`, CR and LF would end or corrupt it, so they are escaped as the runner
# expects.
annotate_error() {
    local message=$1
    message=${message//'%'/'%25'}
    message=${message//$'\r'/'%0D'}
    message=${message//$'\n'/'%0A'}
    printf '::error::%s\n' "$message"
}

bad_input() {
    annotate_error "dairly action: $1"
    exit 2
}

subcommand=${INPUT_COMMAND:-check}
push=${INPUT_PUSH:-false}
args=${INPUT_ARGS:-}
root=${INPUT_ROOT:-}
python=${PYTHON:-python3}
# The action's own checkout, which holds the dairly package to install. GitHub sets
# GITHUB_ACTION_PATH; run by hand, the script finds it from its own place.
action_path=${GITHUB_ACTION_PATH:-$(cd -- "$(dirname -- "$0")/../.." && pwd)}

# Every input is checked before anything is installed or run, so a typo costs seconds
# and says which input is wrong.
case $subcommand in
    check | publish) ;;
    *) bad_input "input 'command' must be 'check' or 'publish', not '$subcommand'" ;;
esac
case $push in
    true | false) ;;
    *) bad_input "input 'push' must be 'true' or 'false', not '$push'" ;;
esac
if [ "$push" = true ] && [ "$subcommand" != publish ]; then
    bad_input "input 'push: true' needs 'command: publish'; '$subcommand' never commits"
fi
if ! command -v "$python" >/dev/null 2>&1; then
    bad_input "no Python interpreter at '$python'"
fi

# Split `args` like a shell command line, so `-m "notes of the day"` stays one argument,
# with Python's shlex rather than eval: the input is data, never code. Bash cannot hold
# NUL bytes in a variable, so the words are read straight from the NUL-separated output
# (read -d '' also works in the bash 3.2 of macOS runners), after a first run that only
# reports an unclosed quote.
split_args='
import shlex, sys
try:
    words = shlex.split(sys.argv[1])
except ValueError as error:
    sys.exit(str(error))
sys.stdout.write("".join(word + "\0" for word in words))
'
extra=()
if [ -n "$args" ]; then
    if ! problem=$("$python" -c "$split_args" "$args" 2>&1 >/dev/null); then
        bad_input "input 'args' is not a valid command line ($problem): $args"
    fi
    while IFS= read -r -d '' word; do
        extra+=("$word")
    done < <("$python" -c "$split_args" "$args")
fi

# Install dairly from the action's checkout, the version the workflow pinned, unless
# the interpreter already has that version (a self-hosted runner that kept it, or the
# tests, which must not reach the network). The probe runs from / so that a dairly/
# folder in the current directory (this project's own source) is not mistaken for an
# installed package.
wanted=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$action_path/dairly/__init__.py")
if [ -z "$wanted" ]; then
    bad_input "no dairly version in $action_path/dairly/__init__.py; is GITHUB_ACTION_PATH the action's checkout?"
fi
installed=$(cd / && "$python" -c 'import dairly; print(dairly.__version__)' 2>/dev/null) || installed=""
if [ "$installed" = "$wanted" ]; then
    echo "dairly $wanted is already installed for $python"
else
    echo "::group::Install dairly $wanted from $action_path"
    status=0
    "$python" -m pip install --disable-pip-version-check --no-input "$action_path" || status=$?
    echo "::endgroup::"
    if [ "$status" -ne 0 ]; then
        annotate_error "dairly action: could not install dairly $wanted from $action_path (pip exited with $status)"
        exit "$status"
    fi
fi

cli=()
if [ -n "$root" ]; then
    cli+=(--root "$root")
fi
cli+=("$subcommand")
if [ "$push" = true ]; then
    cli+=(--push)
fi
# ${extra[@]+...}: an empty array is an unbound variable to `set -u` before bash 4.4.
cli+=(${extra[@]+"${extra[@]}"})

if [ "$subcommand" = publish ]; then
    # A fresh runner has no git identity, and git will not commit without one: commits
    # are made as the GitHub Actions bot. An identity the workflow chose, in GIT_AUTHOR_*
    # and GIT_COMMITTER_* or with `git config user.name`/`user.email`, is kept.
    bot="github-actions[bot]"
    bot_email="41898282+github-actions[bot]@users.noreply.github.com"
    if [ -z "$(git -C "${root:-.}" config user.name || true)" ]; then
        export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-$bot}" GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$bot}"
    fi
    if [ -z "$(git -C "${root:-.}" config user.email || true)" ]; then
        export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-$bot_email}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$bot_email}"
    fi
fi

# The command line as it runs, quoted where a word needs it.
echo "dairly$(printf ' %q' "${cli[@]}")"
# `python -m dairly` runs the dairly this interpreter has, whatever else is on PATH.
# PYTHONSAFEPATH (Python 3.11+) keeps the current folder off sys.path, so a dairly/
# folder in the notes repository cannot shadow the installed package. Python 3.10
# ignores it, but the one notes repository with such a folder is this project's own,
# where that folder is the code `uses: ./` just installed.
status=0
PYTHONSAFEPATH=1 "$python" -m dairly "${cli[@]}" || status=$?
if [ "$status" -ne 0 ]; then
    annotate_error "dairly $subcommand failed with exit code $status"
fi
exit "$status"
