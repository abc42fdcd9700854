#!/usr/bin/env bash
# Builds one image per step (all by default, or the steps given): `log-sentinel/<step>:<version>-<rev>`
# (images/tag.sh) and `:dev`. A build of every step writes that tag to dags/sentinel_infra/image_tag.txt:
# the DAGs' default tag (SENTINEL_IMAGE_TAG overrides it). BASE_IMAGE overrides the base; without it,
# node:20-bookworm-slim when it is available locally, else the offline base (images/offline-base.sh).
# Prints each image's size.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=("$@")
ALL_STEPS=0
if ((${#STEPS[@]} == 0)); then ALL_STEPS=1 STEPS=(generate ingest parse features train score monitor alert report); fi
# Long-running services beside the DAG's steps (a Deployment, not a task): built with every step.
if ((ALL_STEPS)); then STEPS+=(stream); fi
TAG=$(images/tag.sh)
VERSION=${TAG%-*} REVISION=${TAG##*-}
# Steps that may load TensorFlow.js (the LSTM detector); the others carry only the bundle.
TF_STEPS=" train score "

if [[ -z ${BASE_IMAGE:-} ]]; then
  if docker image inspect node:20-bookworm-slim >/dev/null 2>&1; then BASE_IMAGE=node:20-bookworm-slim
  else BASE_IMAGE=$(images/offline-base.sh); fi
fi

npm run --silent build >/dev/null
for step in "${STEPS[@]}"; do
  stage="images/.stage/$step"
  rm -rf "$stage" && mkdir -p "$stage"
  cp dist/sentinel.mjs dist/chunk-*.mjs dist/parquetWorker.mjs dist/parquetDecodeWorker.mjs dist/parquet_wasm_bg.wasm dist/native.wasm "$stage/"
  [[ $step == report ]] && cp dist/explorer.html dist/echarts.min.js "$stage/"
  # The entrypoint is exactly `sentinel <step>`: the container's arguments follow the step name.
  printf "process.argv.splice(2, 0, '%s');\nawait import('./sentinel.mjs');\n" "$step" >"$stage/entry.mjs"
  [[ $TF_STEPS == *" $step "* ]] && node images/stage-modules.mjs "$stage" @tensorflow/tfjs @tensorflow/tfjs-backend-wasm >/dev/null
  # Output only when the build fails: on success the legacy builder's three-line deprecation notice,
  # once per image, is all it would print (issue 15: a quieter CI log).
  if ! out=$(DOCKER_BUILDKIT=0 docker build -q -f images/Dockerfile \
    --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg STEP="$step" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
    -t "log-sentinel/$step:$TAG" -t "log-sentinel/$step:dev" . 2>&1); then
    echo "$out" >&2
    exit 1
  fi
done
# Only a build of every step: the DAGs must not name a tag that some step images lack.
if ((ALL_STEPS)); then echo "$TAG" >dags/sentinel_infra/image_tag.txt; fi

printf '%-28s %10s   (base %s)\n' image size "$BASE_IMAGE"
for step in "${STEPS[@]}"; do
  printf '%-28s %7.0f MB\n' "log-sentinel/$step:dev" "$(docker image inspect "log-sentinel/$step:dev" --format '{{.Size}}' | awk '{print $1/1e6}')"
done
