#!/bin/sh
# One boot of the power-cut test, run inside the VM by scripts/gpio-vm/run (busybox sh) on the
# disk image scripts/power-cut made (/dev/vda, ext4: the kiosk's config, state directory and
# database). Usage: guest.sh MODE FIRST LAST NOW [PRELOAD]
#   MODE   check: report what survived; write: check badges in; check-write: both, in that order
#   FIRST, LAST   the badges to check in (B000001 is 1), in turn, as fast as the kiosk can
#   NOW    the kiosk's clock (--now), inside the test's session
#   PRELOAD   the control: a library preloaded into the kiosk while it writes (libeatmydata,
#             which turns fsync into nothing), so that acknowledged check-ins can be lost
# What the host reads on the console: "POWER-CUT DOCTOR" lines and "POWER-CUT DOCTOR-EXIT=n",
# "POWER-CUT PRESENT <participant id>" for each check-in `export` finds, "POWER-CUT EXPORT-END",
# "POWER-CUT WRITING", then
# one JSON outcome per badge, each printed by `checkin --stdin` once its check-in is committed.
set -u
mode=$1 first=$2 last=$3 now=$4 preload=${5:-}
kiosk=/payload/mentor-kiosk
config=/disk/kiosk.toml
mkdir -p /disk
tries=0
while [ ! -b /dev/vda ] && [ $tries -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
mount -t ext4 /dev/vda /disk || { echo "POWER-CUT cannot mount /dev/vda"; exit 125; }

case $mode in check*)
    $kiosk doctor --config "$config" > /tmp/doctor 2>&1
    status=$?
    sed 's/^/POWER-CUT DOCTOR /' /tmp/doctor
    echo "POWER-CUT DOCTOR-EXIT=$status"
    $kiosk export --format jsonl --location all --config "$config" --now "$now" > /tmp/export 2> /tmp/export.err \
        || { echo "POWER-CUT export failed: $(cat /tmp/export.err)"; exit 1; }
    # Only who is checked in: the whole export, every boot, would grow with the square of the run.
    grep '"checked_in_at":"' /tmp/export | sed -n 's/.*"participant_id":"\([^"]*\)".*/POWER-CUT PRESENT \1/p'
    echo "POWER-CUT EXPORT-END"
esac

case $mode in *write)
    echo "POWER-CUT WRITING"
    seq "$first" "$last" | awk '{ printf "B%06d\n", $1 }' \
        | LD_PRELOAD=$preload $kiosk checkin --stdin --json --config "$config" --now "$now"
    echo "POWER-CUT WRITE-EXIT=$?"
esac
umount /disk
