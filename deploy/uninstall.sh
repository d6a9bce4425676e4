#!/bin/sh
# Removes what deploy/install.sh installed: stops and disables the kiosk and its export to the
# hub, removes both units, the binary, the docs, these helpers and the udev rule it added, and
# gives tty1 back to getty (getty@tty1 enabled again, and started when systemd runs).
#
#   deploy/uninstall.sh           keeps /var/lib/mentor-kiosk (the attendance data), the config
#                                 /etc/mentor-kiosk and the user mentor-kiosk
#   deploy/uninstall.sh --purge   removes those too (the groups gpio and input stay)
#
# When the Debian package is installed, this runs `apt-get remove` (or `purge`) instead.
# Installed also as /usr/lib/mentor-kiosk/uninstall.sh. Running it twice is harmless.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh source-path=SCRIPTDIR
. "$here/lib/common.sh"
# shellcheck source=lib/mentor-kiosk.sh source-path=SCRIPTDIR
. "$here/lib/mentor-kiosk.sh"

purge=0
while [ $# -gt 0 ]; do
    case "$1" in
        --purge) purge=1 ;;
        -h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || mk_die "run as root (sudo $0)"

status=$(dpkg-query -W -f='${db:Status-Abbrev}' mentor-kiosk 2>/dev/null || true)
case "$status" in
    "" | "un"*) ;;
    "rc"*) if [ "$purge" = 1 ]; then exec apt-get purge -y -q mentor-kiosk; fi ;;
    *) if [ "$purge" = 1 ]; then exec apt-get purge -y -q mentor-kiosk; else exec apt-get remove -y -q mentor-kiosk; fi ;;
esac

mk_stop_disable_kiosk
mk_enable_getty
for path in "$MK_BIN" $(for unit in $MK_FILES; do echo "/etc/systemd/system/$unit"; done) \
    /usr/share/doc/mentor-kiosk /usr/lib/mentor-kiosk; do
    if [ -e "$path" ]; then
        rm -rf "$path"
        mk_changed "removed $path"
    fi
done
mk_remove_udev_rule
mk_daemon_reload

if [ "$purge" = 1 ]; then
    mk_purge
else
    for path in "$MK_STATE" "$MK_CONF_DIR"; do
        [ ! -e "$path" ] || mk_say "kept $path (--purge removes it)"
    done
fi
mk_say "$MK_CHANGES changes"
