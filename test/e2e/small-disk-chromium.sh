#!/bin/sh
# Chromium with its profile on a small disk of its own (test/e2e/storage-quota.spec.ts): a tmpfs of
# $THREADLINE_DISK_SIZE mounted over the --user-data-dir in a private user and mount namespace, so
# no root is needed and nothing outside this browser sees it. The browser's pid is written next to
# the profile (<profile>.pid): the test reaches the disk as /proc/<pid>/root<profile> to fill it.
set -e
for arg in "$@"; do
  case "$arg" in --user-data-dir=*) profile="${arg#--user-data-dir=}" ;; esac
done
if [ -z "$profile" ] || [ -z "$THREADLINE_REAL_CHROMIUM" ] || [ -z "$THREADLINE_DISK_SIZE" ]; then
  echo "small-disk-chromium: needs --user-data-dir, THREADLINE_REAL_CHROMIUM and THREADLINE_DISK_SIZE" >&2
  exit 2
fi
mkdir -p "$profile"
exec unshare --user --map-root-user --mount sh -c '
  mount -t tmpfs -o size="$THREADLINE_DISK_SIZE" threadline-small-disk "$0"
  echo $$ > "$0.pid"
  exec "$THREADLINE_REAL_CHROMIUM" "$@"
' "$profile" "$@"
