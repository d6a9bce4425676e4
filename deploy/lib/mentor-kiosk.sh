# shellcheck shell=sh
# The installation logic of mentor-kiosk, shared by deploy/install.sh, deploy/uninstall.sh and
# the Debian package's maintainer scripts (deploy/build-deb copies lib/common.sh and this file
# into postinst, prerm and postrm: postrm runs after the package's files are gone, so it cannot
# source a file the package ships). POSIX sh, after lib/common.sh; every mk_ensure_* step is
# idempotent: it changes nothing when the system is already as wanted, and counts what it
# changed in MK_CHANGES.
#
# Works without a running systemd (chroot, image build): `systemctl enable/disable` work
# offline; daemon-reload, start, stop and udev reloads are skipped with a note.
#
# Three units, installed, enabled and removed alike (MK_UNITS): the kiosk screen (MK_UNIT, the one
# that takes tty1 and is started at install), the export to the hub (MK_SYNC_UNIT,
# `mentor-kiosk sync --loop`) and the nightly backup's timer (MK_BACKUP_TIMER, started at
# install; its service, installed with them in MK_FILES, runs only from it). The export is never
# started here: its ConditionPathExists=$MK_STATE/hub.json keeps it inert until
# `mentor-kiosk enroll` has run, and a person starts it then; an upgrade restarts it only if it
# runs.

MK_NAME=mentor-kiosk
MK_USER=mentor-kiosk
MK_BIN=/usr/bin/mentor-kiosk
MK_CONF_DIR=/etc/mentor-kiosk
MK_CONF=$MK_CONF_DIR/kiosk.toml
MK_STATE=/var/lib/mentor-kiosk
MK_UNIT=mentor-kiosk.service
MK_SYNC_UNIT=mentor-kiosk-sync.service
MK_BACKUP_TIMER=mentor-kiosk-backup.timer
MK_UNITS="$MK_UNIT $MK_SYNC_UNIT $MK_BACKUP_TIMER"
MK_FILES="$MK_UNITS mentor-kiosk-backup.service"
MK_GETTY=getty@tty1.service
MK_UDEV_RULE=/etc/udev/rules.d/60-mentor-kiosk.rules
MK_UDEV_MARK="# Added by mentor-kiosk"

# --- the distribution --------------------------------------------------------------------

# bookworm, trixie, … from /etc/os-release (Raspberry Pi OS sets the Debian codename).
mk_codename() {
    (
        # shellcheck disable=SC1091
        . /etc/os-release 2>/dev/null || true
        if [ -n "${VERSION_CODENAME:-}" ]; then
            echo "$VERSION_CODENAME"
        else
            case "${VERSION_ID:-}" in 12) echo bookworm ;; 13) echo trixie ;; *) echo unknown ;; esac
        fi
    )
}

# The Debian packages the kiosk needs at run time on CODENAME (systemd for the unit, passwd for
# useradd, tzdata for time zones, libgpiod for the buttons).
mk_runtime_packages() {
    case "$1" in
        bookworm) echo "libsqlite3-0 libncursesw6 libgpiod2 tzdata systemd passwd" ;;
        trixie) echo "libsqlite3-0 libncursesw6 libgpiod3 tzdata systemd passwd" ;;
        *) return 1 ;;
    esac
}

# --- systemd and udev --------------------------------------------------------------------

mk_kiosk_masked() {
    mk_unit_masked "$MK_UNIT"
}

# Enables the units (works offline) unless an administrator masked them: masking is how to
# keep the kiosk (or its export) off across re-installs and upgrades.
mk_enable_kiosk() {
    command -v systemctl >/dev/null 2>&1 || mk_die "systemctl is missing (install systemd)"
    for mk_u in $MK_UNITS; do
        case "$(mk_unit_state "$mk_u")" in
            enabled) ;;
            masked*) if [ "$mk_u" = "$MK_UNIT" ]; then
                         mk_warn "$mk_u is masked: not enabling it, and leaving $MK_GETTY as it is"
                     else
                         mk_warn "$mk_u is masked: not enabling it"
                     fi ;;
            *) systemctl enable --quiet "$mk_u"
               mk_changed "enabled $mk_u ($(mk_wanted_by "$mk_u"))" ;;
        esac
    done
}

# The kiosk Conflicts= with getty@tty1. Both enabled would put a start job for each into the
# boot transaction, and systemd would drop one of the two conflicting jobs (which one is not
# something to rely on). So the getty is disabled: it stays installed, OnFailure= still starts
# it when the kiosk fails for good, and logind starts it on tty1 when the kiosk is stopped.
mk_disable_getty() {
    mk_kiosk_masked && return 0
    [ "$(mk_unit_state "$MK_GETTY")" = enabled ] || return 0
    systemctl disable --quiet "$MK_GETTY"
    mk_changed "disabled $MK_GETTY (the kiosk takes tty1; it hands tty1 back on failure)"
}

# Gives tty1 back to the getty: enabled again (Debian's default) and, when systemd runs,
# started once the kiosk has stopped.
mk_enable_getty() {
    case "$(mk_unit_state "$MK_GETTY")" in
        enabled) ;;
        masked*) mk_warn "$MK_GETTY is masked: leaving it so" ;;
        "") mk_warn "no $MK_GETTY unit here: nothing to give tty1 back to" ;;
        *) systemctl enable --quiet "$MK_GETTY"
           mk_changed "enabled $MK_GETTY again" ;;
    esac
    if mk_systemd_running && [ "$(mk_unit_state "$MK_GETTY")" = enabled ] && ! systemctl is-active --quiet "$MK_GETTY"; then
        systemctl start --no-block "$MK_GETTY" || mk_warn "could not start $MK_GETTY"
    fi
}

# daemon-reload when RELOAD is 1; starts the kiosk, or restarts it when RESTART is 1 and it
# runs; restarts the export when RESTART is 1 and it runs (it is never started here: see
# the top). Without a running systemd: a note, and the kiosk starts at the next boot.
mk_activate() {
    if ! mk_systemd_running; then
        mk_say "systemd is not running here (chroot or image): no daemon-reload or start; the kiosk starts at boot"
        return 0
    fi
    [ "$1" != 1 ] || systemctl daemon-reload
    for mk_u in $MK_UNITS; do
        mk_unit_masked "$mk_u" && continue
        if ! mk_policy_allows "$mk_u" start; then
            [ "$mk_u" != "$MK_UNIT" ] || mk_say "policy-rc.d forbids starting services: the kiosk starts at boot"
            continue
        fi
        if systemctl is-active --quiet "$mk_u"; then
            [ "$2" = 1 ] || continue
            if systemctl restart "$mk_u"; then
                mk_say "restarted $mk_u"
            else
                mk_warn "$mk_u did not restart: see journalctl -u $mk_u"
            fi
        elif [ "$mk_u" = "$MK_BACKUP_TIMER" ]; then
            if systemctl start "$mk_u"; then mk_say "started $mk_u"; else mk_warn "$mk_u did not start: see journalctl -u $mk_u"; fi
        elif [ "$mk_u" != "$MK_UNIT" ]; then
            :  # the export: started by a person after `mentor-kiosk enroll`, or at boot once enrolled
        elif systemctl start "$mk_u"; then
            mk_say "started $mk_u on tty1"
        else
            mk_warn "$mk_u did not start: see journalctl -u $mk_u"
        fi
    done
}

# Stops the units (if systemd runs them; a backup that is running too) and disables them;
# dangling enablement links go too.
mk_stop_disable_kiosk() {
    # shellcheck disable=SC2086
    mk_stop_disable $MK_FILES
}

mk_udev_running() {
    [ -S /run/udev/control ] && command -v udevadm >/dev/null 2>&1 && ! mk_in_chroot
}

# Whether a rule of the OS (not ours) gives KIND's devices to the group KIND: gpio for
# /dev/gpiochip* (Raspberry Pi OS: 99-com.rules), input for /dev/input/event* (udev's own
# 50-udev-default.rules).
mk_os_has_udev_rule() {
    case "$1" in
        gpio) mk_pattern='^[^#]*(SUBSYSTEMS?=="gpio[*]?"|KERNEL=="gpiochip)[^#]*GROUP:?="gpio"' ;;
        input) mk_pattern='^[^#]*SUBSYSTEMS?=="input"[^#]*GROUP:?="input"' ;;
        *) return 1 ;;
    esac
    for mk_dir in /etc/udev/rules.d /run/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d /usr/local/lib/udev/rules.d; do
        for mk_file in "$mk_dir"/*.rules; do
            [ -f "$mk_file" ] || continue
            [ "$mk_file" != "$MK_UDEV_RULE" ] || continue
            grep -Eq "$mk_pattern" "$mk_file" && return 0
        done
    done
    return 1
}

mk_udev_rule_text() {
    echo "$MK_UDEV_MARK (deploy/install.sh or the mentor-kiosk package), because no rule"
    echo "# of the OS gives these devices to the group; removed again when mentor-kiosk is removed."
    for mk_kind in "$@"; do
        case "$mk_kind" in
            gpio) echo 'SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"' ;;
            input) echo 'SUBSYSTEM=="input", KERNEL=="event*", GROUP="input", MODE="0660"' ;;
        esac
    done
}

mk_udev_reload() {
    if mk_udev_running; then
        udevadm control --reload || true
        udevadm trigger --action=change --subsystem-match=gpio --subsystem-match=input || true
    fi
}

# Our rule, only for the kinds no rule of the OS covers; removed when the OS covers both.
mk_ensure_udev_rule() {
    mk_kinds=""
    mk_os_has_udev_rule gpio || mk_kinds="$mk_kinds gpio"
    mk_os_has_udev_rule input || mk_kinds="$mk_kinds input"
    if [ -z "$mk_kinds" ]; then
        mk_remove_udev_rule
        return 0
    fi
    mk_tmp=$(mktemp)
    # shellcheck disable=SC2086
    mk_udev_rule_text $mk_kinds >"$mk_tmp"
    mk_install_file "$mk_tmp" "$MK_UDEV_RULE" 0644
    rm -f "$mk_tmp"
    [ "$MK_FILE_CHANGED" = 0 ] || mk_udev_reload
}

# Removes the rule only if it is ours (carries the mark).
mk_remove_udev_rule() {
    [ -f "$MK_UDEV_RULE" ] || return 0
    if head -n 1 "$MK_UDEV_RULE" | grep -qF "$MK_UDEV_MARK"; then
        rm -f "$MK_UDEV_RULE"
        mk_changed "removed $MK_UDEV_RULE"
        mk_udev_reload
    else
        mk_warn "$MK_UDEV_RULE was edited (no longer ours): left in place"
    fi
}

# --- files, user, state ------------------------------------------------------------------

# The system user: own group, member of gpio and input, home = state directory, no login.
mk_ensure_user() {
    mk_ensure_system_user "Mentor Kiosk" gpio input
}

# The config from the example, only if there is none (an edited config is never touched).
mk_ensure_config() {
    mk_ensure_dir "$MK_CONF_DIR" 0755 root root
    [ -e "$MK_CONF" ] && return 0
    mk_install_file "$1" "$MK_CONF" 0644
}

# 0700, owned by the service user, as the unit's StateDirectory= would make it.
mk_ensure_state_dir() {
    mk_ensure_dir "$MK_STATE" 0700 "$MK_USER" "$MK_USER"
}

# Sets MK_DB and MK_SECRET from `mentor-kiosk config check` (the paths the kiosk itself uses).
mk_config_paths() {
    mk_out=$(env -i LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$MK_BIN" config check --config "$MK_CONF" 2>&1) || {
        mk_warn "$MK_CONF is not valid: $mk_out"
        return 1
    }
    MK_DB=$(printf '%s\n' "$mk_out" | sed -n 's/^database = //p')
    MK_SECRET=$(printf '%s\n' "$mk_out" | sed -n 's/^badges\.secret_file = //p')
    [ -n "$MK_DB" ] && [ -n "$MK_SECRET" ]
}

# `mentor-kiosk run` refuses to start without a database and badge secret, so they are made
# here by `mentor-kiosk init` as the service user, but only when both are missing: with one
# of them missing, init would make a new secret (every stored badge hash would stop matching)
# or an empty database beside the old secret. That needs a person and a backup, not a script.
mk_ensure_database() {
    if ! mk_config_paths; then
        mk_warn "no database created: fix the config, then run: mentor-kiosk init --config $MK_CONF (as $MK_USER)"
        return 0
    fi
    if [ -e "$MK_DB" ] && [ -e "$MK_SECRET" ]; then
        return 0
    fi
    if [ -e "$MK_DB" ] || [ -e "$MK_SECRET" ]; then
        [ -e "$MK_DB" ] && mk_missing_file=$MK_SECRET || mk_missing_file=$MK_DB
        mk_warn "$mk_missing_file is missing but its partner exists: not running init (restore it from a backup; a new badge secret would make every stored badge unknown)"
        return 0
    fi
    case "$MK_DB" in
        "$MK_STATE"/*) ;;
        *) mk_warn "the database $MK_DB is outside $MK_STATE: the unit lets the kiosk write only there" ;;
    esac
    mk_as_user "$MK_BIN" init --config "$MK_CONF" >/dev/null || mk_die "mentor-kiosk init failed (as $MK_USER)"
    mk_changed "created $MK_DB and $MK_SECRET (mentor-kiosk init as $MK_USER)"
}

# Purge: config, state (the attendance data!), the backup timer's stamp and the service user
# with its group. The shared groups gpio and input stay: other software uses them.
mk_purge() {
    mk_remove_paths "$MK_CONF_DIR" "$MK_STATE" "/var/lib/systemd/timers/stamp-$MK_BACKUP_TIMER"
    mk_remove_user
}
