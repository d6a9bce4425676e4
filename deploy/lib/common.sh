# shellcheck shell=sh
# What the installation logic of both packages shares (mentor-kiosk.sh, mentor-hub.sh): messages
# prefixed with MK_NAME, counting changes in MK_CHANGES; systemd without assuming it runs
# (chroot, image build); idempotent files, directories, groups; a command as MK_USER. POSIX sh.
# deploy/build-deb puts this file, then the package's own, into each maintainer script (postrm
# runs after the package's files are gone, so it cannot source one).

MK_CHANGES=0
MK_FILE_CHANGED=0

mk_say() { printf '%s: %s\n' "$MK_NAME" "$*"; }
mk_warn() { printf '%s: warning: %s\n' "$MK_NAME" "$*" >&2; }
mk_die() { printf '%s: error: %s\n' "$MK_NAME" "$*" >&2; exit 1; }
mk_changed() { MK_CHANGES=$((MK_CHANGES + 1)); mk_say "$*"; }

# --- the distribution --------------------------------------------------------------------

mk_package_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# Installs the packages that are missing (apt-get update first); nothing when all are there.
mk_ensure_packages() {
    mk_missing=""
    for mk_p in "$@"; do
        mk_package_installed "$mk_p" || mk_missing="$mk_missing $mk_p"
    done
    [ -n "$mk_missing" ] || return 0
    mk_say "installing:$mk_missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -q || mk_die "apt-get update failed"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $mk_missing || mk_die "apt-get install$mk_missing failed"
    mk_changed "installed packages:$mk_missing"
}

# --- systemd ------------------------------------------------------------------------------

mk_in_chroot() {
    if command -v systemd-detect-virt >/dev/null 2>&1; then
        systemd-detect-virt --quiet --chroot
        return
    fi
    [ -e /proc/1/root ] && [ "$(stat -Lc '%d:%i' / 2>/dev/null)" != "$(stat -Lc '%d:%i' /proc/1/root/. 2>/dev/null)" ]
}

# Whether a systemd manager runs this system (not in a chroot, not in an image build).
mk_systemd_running() {
    [ -d /run/systemd/system ] && ! mk_in_chroot
}

# enabled, disabled, masked, static, … or nothing for a unit systemctl does not know.
mk_unit_state() {
    command -v systemctl >/dev/null 2>&1 || return 0
    systemctl is-enabled "$1" 2>/dev/null || true
}

# The target whose .wants the unit's [Install] section links it into.
mk_wanted_by() {
    case "$1" in *.timer) echo timers.target ;; *) echo multi-user.target ;; esac
}

mk_unit_masked() {
    case "$(mk_unit_state "$1")" in masked*) return 0 ;; *) return 1 ;; esac
}

# Whether policy-rc.d (image builders install one that says 101) allows ACTION on UNIT.
mk_policy_allows() {
    command -v policy-rc.d >/dev/null 2>&1 || return 0
    mk_rc=0
    policy-rc.d "$1" "$2" >/dev/null 2>&1 || mk_rc=$?
    [ "$mk_rc" != 101 ]
}

# Stops each UNIT (if systemd runs it) and disables it; a dangling enablement link goes too.
mk_stop_disable() {
    for mk_u in "$@"; do
        if mk_systemd_running && systemctl is-active --quiet "$mk_u"; then
            systemctl stop "$mk_u" || mk_warn "could not stop $mk_u"
            mk_changed "stopped $mk_u"
        fi
        case "$(mk_unit_state "$mk_u")" in
            enabled*) systemctl disable --quiet "$mk_u"
                      mk_changed "disabled $mk_u" ;;
        esac
        if [ -L "/etc/systemd/system/$(mk_wanted_by "$mk_u").wants/$mk_u" ]; then
            rm -f "/etc/systemd/system/$(mk_wanted_by "$mk_u").wants/$mk_u"
            mk_changed "removed the dangling $(mk_wanted_by "$mk_u").wants/$mk_u"
        fi
    done
}

mk_daemon_reload() {
    if mk_systemd_running; then systemctl daemon-reload; fi
}

# --- files, users -------------------------------------------------------------------------

# Copies SRC to DEST (root-owned, MODE) unless DEST already has that content, mode and owner.
# Atomic (a new file renamed over the old one: a running binary is not disturbed). Sets
# MK_FILE_CHANGED to 1 when it wrote.
mk_install_file() {
    MK_FILE_CHANGED=0
    if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2" \
        && [ "$(stat -c '%a %u %g' "$2")" = "${3#0} 0 0" ]; then
        return 0
    fi
    install -D -m "$3" -o root -g root "$1" "$2.mk-new"
    mv -f "$2.mk-new" "$2"
    MK_FILE_CHANGED=1
    mk_changed "installed $2"
}

# A directory with MODE, OWNER and GROUP (its contents untouched).
mk_ensure_dir() {
    if [ -d "$1" ] && [ "$(stat -c '%a %U %G' "$1")" = "${2#0} $3 $4" ]; then
        return 0
    fi
    install -d "$1"
    chown "$3:$4" "$1"
    chmod "$2" "$1"
    mk_changed "directory $1 ($2 $3:$4)"
}

mk_ensure_group() {
    getent group "$1" >/dev/null && return 0
    groupadd --system "$1"
    mk_changed "created group $1"
}

# The system user MK_USER: its own group, home = MK_STATE, no login, and a member of each GROUP
# (which must exist).
mk_ensure_system_user() {
    mk_comment=$1
    shift
    if ! getent passwd "$MK_USER" >/dev/null; then
        mk_shell=/usr/sbin/nologin
        [ -x "$mk_shell" ] || mk_shell=/bin/false
        if getent group "$MK_USER" >/dev/null; then mk_gopt="--gid $MK_USER"; else mk_gopt="--user-group"; fi
        mk_groups=$(echo "$@" | tr ' ' ',')
        # shellcheck disable=SC2086
        useradd --system $mk_gopt ${mk_groups:+--groups "$mk_groups"} --home-dir "$MK_STATE" --no-create-home \
            --shell "$mk_shell" --comment "$mk_comment" "$MK_USER"
        mk_changed "created system user $MK_USER${mk_groups:+ (groups $(echo "$@" | sed 's/ /, /g'))}"
    fi
    for mk_g in "$@"; do
        if ! id -nG "$MK_USER" | tr ' ' '\n' | grep -qx "$mk_g"; then
            usermod -a -G "$mk_g" "$MK_USER"
            mk_changed "added $MK_USER to group $mk_g"
        fi
    done
}

# Removes MK_USER and its group (on purge).
mk_remove_user() {
    if getent passwd "$MK_USER" >/dev/null; then
        userdel "$MK_USER" || mk_warn "could not remove the user $MK_USER"
        mk_changed "removed user $MK_USER"
    fi
    if getent group "$MK_USER" >/dev/null; then
        groupdel "$MK_USER" || mk_warn "could not remove the group $MK_USER"
        mk_changed "removed group $MK_USER"
    fi
}

# Removes each PATH that exists, with what is inside.
mk_remove_paths() {
    for mk_path in "$@"; do
        if [ -e "$mk_path" ]; then
            rm -rf "$mk_path"
            mk_changed "removed $mk_path"
        fi
    done
}

# Runs a command as the service user, with a clean environment.
mk_as_user() {
    (cd / && umask 077 && setpriv --reuid="$MK_USER" --regid="$MK_USER" --init-groups \
        env -i HOME="$MK_STATE" LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@")
}
