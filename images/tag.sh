#!/usr/bin/env bash
# The tag of the step images `make images` builds: <package.json version>-<short git rev>.
# dags/sentinel_infra/images.py computes the same (test/dags/test_image_tag.py checks that they agree).
set -euo pipefail
cd "$(dirname "$0")/.."
printf '%s-%s\n' "$(node -p 'require("./package.json").version')" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
