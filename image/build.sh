#!/usr/bin/env bash
# Builds the container image tarball image/target/taskflow-image.tar without Docker: the cached Debian JRE base
# (build-base.sh), then Jib with the launcher's fat jar on it, then the test that reads the tarball's manifest and
# config (ImageTarIT). Arguments go to Maven (e.g. -o -Dmaven.repo.local=...). See docs/image.md.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
base="$(image/build-base.sh | tail -n 1)"
echo "image: base $base ready after $((SECONDS - started)) s"

if [ ! -s launcher/target/taskflow.jar ]; then
  echo "image: no launcher/target/taskflow.jar yet; building it"
  mvn -B -q "$@" package -DskipTests
fi

# Labels and the creation time from the commit, so one commit gives one image.
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
created="$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo 1970-01-01T00:00:00Z)"
# (without any user:password@ in the remote URL)
source="$(git remote get-url origin 2>/dev/null | sed -E "s#://[^@/]*@#://#" || echo unknown)"
if ! git diff --quiet HEAD 2>/dev/null; then
  revision="$revision-dirty"
fi

# (no update check: Jib would ask Google for its latest version on every build that is not offline)
mvn -B "$@" -Pimage -pl image verify -Djib.disableUpdateChecks=true \
  -Dtaskflow.image.base="$base" \
  -Dtaskflow.image.revision="$revision" \
  -Dtaskflow.image.created="$created" \
  -Dtaskflow.image.source="$source"
echo "image: image/target/taskflow-image.tar ($(du -h image/target/taskflow-image.tar | cut -f1)) in $((SECONDS - started)) s"
