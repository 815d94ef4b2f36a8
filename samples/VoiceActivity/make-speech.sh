#!/usr/bin/env bash
# Regenerates speech.wav: two synthetic sentences with silence around and between them, 16 kHz mono
# 16-bit PCM, which is what Silero VAD expects. Needs Debian's espeak-ng and sox:
#   apt-get install -y --no-install-recommends espeak-ng sox
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp/a.wav" "Models are dependencies. Restore them like packages."
espeak-ng -v en-us -s 150 -w "$tmp/b.wav" "Every byte is verified, and every licence is checked at compile time."
for f in a b; do sox "$tmp/$f.wav" -r 16000 -c 1 -b 16 "$tmp/${f}16.wav"; done
sox -n -r 16000 -c 1 -b 16 "$tmp/s1.wav" trim 0 1.0
sox -n -r 16000 -c 1 -b 16 "$tmp/s2.wav" trim 0 1.5
sox "$tmp/s1.wav" "$tmp/a16.wav" "$tmp/s2.wav" "$tmp/b16.wav" "$tmp/s1.wav" speech.wav
