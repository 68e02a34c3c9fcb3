#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser); the media test records a
# voice message from a WAV that espeak-ng speaks; the call tests relay media through coturn's
# turnserver. Install what is missing when we are root;
# otherwise stop at once with the exact command to run.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v turnserver >/dev/null || missing+=(coturn)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages for the browser tests: ${missing[*]}..." >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  [ -x "$CHROMIUM" ] && command -v espeak-ng >/dev/null && command -v turnserver >/dev/null && exit 0
fi
echo "The browser tests need: ${missing[*]}. Install with:" >&2
echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
exit 1
