#!/usr/bin/env bash
# Re-makes every picture of the README with the app itself, at the sizes the README names:
# the window under Xvfb (--frames/--screenshot) and the figures with export and sweep.
# Usage: scripts/screenshots.sh [ATTNLAB]   (default build/app/attnlab; run from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
attnlab=$(realpath "${1:-build/app/attnlab}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch"  # no remembered state from this machine's last session

# window W H FILE ARGS...: the window at W×H, three frames after the last action, saved to FILE.
window() {
  local width=$1 height=$2 file=$3
  shift 3
  xvfb-run -a -s "-screen 0 ${width}x${height}x24" \
    "$attnlab" gui --width "$width" --height "$height" --frames 6 --screenshot "$file" "$@" >/dev/null 2>&1
  echo "$file (${width}×${height})"
}

window 1600 900 docs/window.png --example sentence --query 4 --stage weights
# The lesson as a class sees it: presentation mode on the most common projector mode.
window 1280 720 docs/lesson-scores.png --example sentence --query 4 --present
window 1280 720 docs/lesson-weights.png --example sentence --query 4 --stage weights --present
window 1280 720 docs/saturated.png --random --lq 16 --lk 16 --dk 512 --scale none --stage weights --present
window 1600 900 docs/explorer.png --random --lq 16 --lk 16 --dk 256 --actions explorer
window 1600 900 docs/precision.png --random --lq 12 --lk 12 --dk 8 --sigma 1.5 --scale none --precision fp16 \
  --no-max-subtraction --stage weights
window 1600 900 docs/heads.png --heads 4 --kv-heads 2 --head 2 --stage weights --actions heads
# The head scores and the knock-out on the shipped model's repeated sentence.
repeated="When a word comes back, look at what came after it last time. When a word comes back, look at what came after it last time."
window 1280 720 docs/head-scores.png --model assets/models/induction --text "$repeated" --query 27 --stage weights --actions scores \
  --present
window 1024 768 docs/knock-out.png --model assets/models/induction --text "$repeated" --query 27 --layer 1 \
  --ablate 1.0,1.1,1.2,1.3 --stage weights --actions heads
# Generation: Shift+G continues the card's sentence, the generate tab shows the last step's candidates.
window 1280 720 docs/generate.png --model assets/models/induction \
  --text "When a word comes back, look at what came after it last time. When a word comes" --layer 1 --head 2 \
  --stage weights --actions generation,generate-many,wait

"$attnlab" export --example sentence --mask causal --stage weights --query 4 --out docs/export-weights.png
"$attnlab" export --example sentence --mask causal --stage weights --query 4 --out docs/export-weights.svg
"$attnlab" export --example sentence --stage scores --query 4 --out docs/export-scores.png
"$attnlab" export --random --lq 16 --lk 16 --dk 512 --scale none --stage weights --out docs/export-saturated.png
"$attnlab" export --example sentence --heads 4 --kv-heads 2 --stage weights --out docs/export-heads.png
"$attnlab" sweep --dk 1:1024 --out "$scratch/why.csv" --plot docs/sweep.png
"$attnlab" sweep --dk 1:1024 --out "$scratch/why.csv" --plot docs/sweep.svg
echo "the figures: docs/export-*.png, docs/sweep.png (1600 wide)"
