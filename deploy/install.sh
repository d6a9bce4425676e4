#!/bin/sh
# Installs mentor-kiosk on Raspberry Pi OS / Debian bookworm or trixie, idempotently: a second
# run changes nothing and says "0 changes".
#
#   deploy/install.sh [--no-start] /path/to/mentor-kiosk      a built binary
#   deploy/install.sh /path/to/mentor-kiosk_<version>_<arch>.deb  the package (apt installs it;
#                                                              its maintainer scripts do the rest)
#
# With a binary, it installs: the runtime packages (libsqlite3-0, libncursesw6, libgpiod2 on
# bookworm / libgpiod3 on trixie, tzdata, systemd), the groups gpio and input if missing, the
# system user mentor-kiosk (in both), a udev rule for /dev/gpiochip* (group gpio) and
# /dev/input/event* (group input) only where no rule of the OS does that, /usr/bin/mentor-kiosk,
# /etc/systemd/system/mentor-kiosk{,-sync,-backup}.service and mentor-kiosk-backup.timer, /etc/mentor-kiosk/kiosk.toml (from
# deploy/kiosk.example.toml, only if there is none), /var/lib/mentor-kiosk (0700) with the
# database and badge secret (`mentor-kiosk init` as the service user, only if neither exists),
# enables the kiosk, the export and the backup timer, disables getty@tty1 (the kiosk takes tty1) and, when systemd is running,
# starts the kiosk (the export to the hub waits for `mentor-kiosk enroll`). In a chroot or
# image build everything but the start is done.
# deploy/uninstall.sh (also installed as /usr/lib/mentor-kiosk/uninstall.sh) undoes it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/common.sh source-path=SCRIPTDIR
. "$here/lib/common.sh"
# shellcheck source=lib/mentor-kiosk.sh source-path=SCRIPTDIR
. "$here/lib/mentor-kiosk.sh"

usage() {
    sed -n '2,19s/^# \{0,1\}//p' "$0"
    exit "${1:-0}"
}

start=1
source_path=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-start) start=0 ;;
        -h|--help) usage 0 ;;
        -*) echo "unknown option $1" >&2; usage 2 >&2 ;;
        *) [ -z "$source_path" ] || usage 2 >&2; source_path=$1 ;;
    esac
    shift
done
[ -n "$source_path" ] || usage 2 >&2
[ -f "$source_path" ] || mk_die "$source_path: no such file"
[ "$(id -u)" = 0 ] || mk_die "run as root (sudo $0 ...)"

# --- a .deb: apt installs it with its dependencies; postinst runs the same steps ----------
case "$source_path" in
*.deb)
    deb=$(readlink -f "$source_path")
    package=$(dpkg-deb -f "$deb" Package)
    version=$(dpkg-deb -f "$deb" Version)
    if [ "$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$package" 2>/dev/null || true)" = "ii  $version" ]; then
        mk_say "$package $version is installed already"
        mk_say "0 changes"
        exit 0
    fi
    # An earlier install.sh installation: its units in /etc would shadow the package's.
    if [ -f "/etc/systemd/system/$MK_UNIT" ] && ! dpkg -S "/etc/systemd/system/$MK_UNIT" >/dev/null 2>&1; then
        for unit in $MK_FILES; do
            rm -f "/etc/systemd/system/$unit"
        done
        rm -rf /usr/lib/mentor-kiosk
        mk_say "removed the units and helpers of an install.sh installation (the package brings its own)"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    # confold: a kiosk.toml that exists already (edited) is kept.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$deb"
    exit 0
    ;;
esac

# --- a binary ------------------------------------------------------------------------------
example=$here/kiosk.example.toml
readme=$repo/README.md
for f in $(for unit in $MK_FILES; do echo "$repo/systemd/$unit"; done) "$example" "$readme" "$here/uninstall.sh"; do
    [ -f "$f" ] || mk_die "$f is missing (run install.sh from a checkout of the repository)"
done
if dpkg-query -W -f='${db:Status-Abbrev}' mentor-kiosk 2>/dev/null | grep -q '^i'; then
    mk_die "the mentor-kiosk Debian package is installed: upgrade it with a .deb (install.sh FILE.deb or apt), or remove it first"
fi

codename=$(mk_codename)
packages=$(mk_runtime_packages "$codename") ||
    mk_die "unsupported distribution \"$codename\" (bookworm or trixie, from /etc/os-release)"
mk_say "installing on $codename"

# shellcheck disable=SC2086
mk_ensure_packages $packages
if ! "$source_path" --help >/dev/null 2>&1; then
    missing_libs=$(ldd "$source_path" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
    [ -z "$missing_libs" ] ||
        mk_die "$source_path needs ${missing_libs}which $codename does not have: build it on $codename"
    mk_die "$source_path does not run here (wrong architecture, or not a mentor-kiosk binary?)"
fi

mk_ensure_group gpio
mk_ensure_group input
mk_ensure_user
mk_ensure_udev_rule

mk_install_file "$source_path" "$MK_BIN" 0755
binary_changed=$MK_FILE_CHANGED
unit_changed=0
for unit in $MK_FILES; do
    mk_install_file "$repo/systemd/$unit" "/etc/systemd/system/$unit" 0644
    [ "$MK_FILE_CHANGED" = 0 ] || unit_changed=1
done
mk_install_file "$readme" /usr/share/doc/mentor-kiosk/README.md 0644
# So the appliance can be uninstalled without the repository.
mk_install_file "$here/lib/common.sh" /usr/lib/mentor-kiosk/lib/common.sh 0644
mk_install_file "$here/lib/mentor-kiosk.sh" /usr/lib/mentor-kiosk/lib/mentor-kiosk.sh 0644
mk_install_file "$here/uninstall.sh" /usr/lib/mentor-kiosk/uninstall.sh 0755

mk_ensure_config "$example"
mk_ensure_state_dir
mk_ensure_database

mk_enable_kiosk
mk_disable_getty
if [ "$start" = 1 ]; then
    restart=0
    [ "$binary_changed$unit_changed" = 00 ] || restart=1
    mk_activate "$unit_changed" "$restart"
elif [ "$unit_changed" = 1 ]; then
    mk_daemon_reload
fi

mk_say "$MK_CHANGES changes"
