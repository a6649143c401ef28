#!/usr/bin/env bash
# Installs the unmodified Autobahn|Testsuite (wstest, Python 2.7) into
# <repo>/.venv-autobahn, from PyPI, with the pins of requirements-py27.txt.
#
# Idempotent: a second run only checks a stamp (requirements hash) and that
# wstest imports, and returns in well under a second.  Unattended (no stdin).
#
# Environment:
#   AUTOBAHN_VENV   where to create the 2.7 environment (default <repo>/.venv-autobahn)
#   AUTOBAHN_PY27   the Python 2.7 interpreter (default: pyenv's 2.7.18)
#   AUTOBAHN_BOOTSTRAP_PYTHON  Python 3 used to run virtualenv 16.7.12 (default python3.11)
#   AUTOBAHN_FORCE=1  rebuild from scratch
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
venv="${AUTOBAHN_VENV:-$repo/.venv-autobahn}"
reqs="$here/requirements-py27.txt"
virtualenv_pin="virtualenv==16.7.12"
# pip 20.3.4 is the last pip for Python 2.7; setuptools 44.0.0 is what the suite declares.
base_pins=(pip==20.3.4 setuptools==44.0.0 wheel==0.37.1)

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_NO_WARN_SCRIPT_LOCATION=1
export PYTHONWARNINGS="ignore::DeprecationWarning"   # silences pip's Python 2.7 banner

log() { printf 'autobahn setup: %s\n' "$*" >&2; }

find_py27() {
    if [[ -n "${AUTOBAHN_PY27:-}" ]]; then echo "$AUTOBAHN_PY27"; return; fi
    local root=""
    if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; fi
    for cand in "${root:+$root/versions/2.7.18/bin/python2.7}" \
                "${PYENV_ROOT:-$HOME/.pyenv}/versions/2.7.18/bin/python2.7" \
                "$(command -v python2.7 || true)"; do
        if [[ -n "$cand" && -x "$cand" ]]; then echo "$cand"; return; fi
    done
    log "no Python 2.7 found (set AUTOBAHN_PY27)"; exit 2
}

stamp_value() {
    # Changes whenever the pins or this script change.
    cat "$reqs" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1
}

smoke_test() {
    # wstest imports its whole module tree on start, -a prints versions and exits.
    "$venv/bin/wstest" -a >/dev/null 2>&1
}

# Serialise concurrent runs (two engineers, or make -j).
mkdir -p "$(dirname "$venv")"
exec 9>"${TMPDIR:-/tmp}/autobahn-setup-$(printf %s "$venv" | sha256sum | cut -c1-16).lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

want="$(stamp_value)"
if [[ "${AUTOBAHN_FORCE:-0}" != 1 && -f "$venv/.autobahn-stamp" ]] \
   && [[ "$(cat "$venv/.autobahn-stamp")" == "$want" ]] && smoke_test; then
    log "up to date ($venv)"
    exit 0
fi

start=$SECONDS
py27="$(find_py27)"
log "using $("$py27" -V 2>&1) at $py27"
rm -rf "$venv"

# virtualenv 16.7.12 (the last one that builds Python 2.7 environments with
# its own bundled pip 20.3.4/setuptools 44.1.1) runs from a throw-away
# Python 3 helper environment, so nothing is installed for the user or system.
boot_py="${AUTOBAHN_BOOTSTRAP_PYTHON:-$(command -v python3.11 || command -v python3)}"
helper="$(mktemp -d "${TMPDIR:-/tmp}/autobahn-bootstrap.XXXXXX")"
trap 'rm -rf "$helper"' EXIT
"$boot_py" -m venv "$helper/venv"
"$helper/venv/bin/python" -m pip install -q "$virtualenv_pin" 2> >(grep -v 'is ignored' >&2)
"$helper/venv/bin/python" -m virtualenv -q --no-download -p "$py27" "$venv" >/dev/null
rm -rf "$helper"; trap - EXIT

"$venv/bin/python" -m pip install -q "${base_pins[@]}" 2> >(grep -v -e DEPRECATION -e 'is ignored' >&2)
"$venv/bin/python" -m pip install -q --no-deps -r "$reqs" 2> >(grep -v -e DEPRECATION -e 'is ignored' >&2)
# Every requirement of every installed package must be pinned in $reqs.
if ! out="$("$venv/bin/python" -m pip check 2>&1)"; then
    printf '%s\n' "$out" | grep -v DEPRECATION >&2
    log "pip check failed: add the missing pins to $reqs"; exit 1
fi

if ! smoke_test; then
    "$venv/bin/wstest" -a || true
    log "wstest does not start"; exit 1
fi
echo "$want" >"$venv/.autobahn-stamp"
log "installed $("$venv/bin/wstest" -a 2>/dev/null | tr '\n' ' ')in $((SECONDS - start)) s"
