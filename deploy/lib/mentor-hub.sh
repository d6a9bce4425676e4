# shellcheck shell=sh
# The installation logic of mentor-hub, for the Debian package's maintainer scripts
# (deploy/build-deb --package mentor-hub puts lib/common.sh and this file into postinst, prerm
# and postrm). POSIX sh, after lib/common.sh; every mh_ensure_* step is idempotent.
#
# Two units are enabled and started at install (MH_UNITS): the hub (MH_UNIT, `mentor-hub serve`
# on 127.0.0.1:8080, for a TLS reverse proxy in front) and its nightly backup's timer
# (MH_BACKUP_TIMER; its service, in MH_FILES, runs only from it). The hub's state is made by the
# unit's `ExecStartPre=mentor-hub init` on every start (it changes nothing once made), not here:
# it reads MENTOR_HUB_DATABASE from /etc/mentor-hub/database.env, which only systemd reads. The
# first start, at install, makes SQLite databases; filled in later, database.env moves the hub
# to PostgreSQL at the next start (badge key and admin token stay). init writes the admin token
# to /var/lib/mentor-hub/admin.token (0600) and never prints it, so it is not in the journal.

MK_NAME=mentor-hub
MK_USER=mentor-hub
MK_STATE=/var/lib/mentor-hub
MH_CONF_DIR=/etc/mentor-hub
MH_UNIT=mentor-hub.service
MH_BACKUP_TIMER=mentor-hub-backup.timer
MH_UNITS="$MH_UNIT $MH_BACKUP_TIMER"
MH_FILES="$MH_UNITS mentor-hub-backup.service"

mh_ensure_user() {
    mk_ensure_system_user "Mentor Kiosk hub"
}

# 0700, owned by the hub's user, as the unit's StateDirectory= makes it. Units of an earlier
# release had DynamicUser=yes: their state is /var/lib/private/mentor-hub behind a symlink, its
# files owned by a dynamic uid. It is moved here and given to the user (systemd would move it
# too, but would not give the files inside to the user when the folder is already theirs).
mh_ensure_state_dir() {
    if [ -L "$MK_STATE" ] && [ -d "/var/lib/private/$MK_NAME" ]; then
        rm -f "$MK_STATE"
        mv "/var/lib/private/$MK_NAME" "$MK_STATE"
        chown -R "$MK_USER:$MK_USER" "$MK_STATE"
        mk_changed "moved the state of the earlier DynamicUser= hub from /var/lib/private/$MK_NAME to $MK_STATE (now $MK_USER's)"
    fi
    mk_ensure_dir "$MK_STATE" 0700 "$MK_USER" "$MK_USER"
}

# Enables the units (works offline) unless an administrator masked them.
mh_enable() {
    command -v systemctl >/dev/null 2>&1 || mk_die "systemctl is missing (install systemd)"
    for mk_u in $MH_UNITS; do
        case "$(mk_unit_state "$mk_u")" in
            enabled) ;;
            masked*) mk_warn "$mk_u is masked: not enabling it" ;;
            *) systemctl enable --quiet "$mk_u"
               mk_changed "enabled $mk_u ($(mk_wanted_by "$mk_u"))" ;;
        esac
    done
}

# daemon-reload, then starts each unit, or restarts it when it runs (a new binary or unit).
# Without a running systemd: a note, and the hub starts at the next boot.
mh_activate() {
    if ! mk_systemd_running; then
        mk_say "systemd is not running here (chroot or image): no daemon-reload or start; the hub starts at boot"
        return 0
    fi
    systemctl daemon-reload
    for mk_u in $MH_UNITS; do
        mk_unit_masked "$mk_u" && continue
        if ! mk_policy_allows "$mk_u" start; then
            mk_say "policy-rc.d forbids starting $mk_u: it starts at boot"
            continue
        fi
        if systemctl is-active --quiet "$mk_u"; then
            mk_action=restart
        else
            mk_action=start
        fi
        if systemctl "$mk_action" "$mk_u"; then
            mk_say "${mk_action}ed $mk_u"
        else
            mk_warn "$mk_u did not $mk_action: see journalctl -u $mk_u"
        fi
    done
}

mh_stop_disable() {
    # shellcheck disable=SC2086
    mk_stop_disable $MH_FILES
}

# Purge: the configuration (database.env), the state (the program's data, the badge key, the
# admin token, the backups), the timer's stamp and the user.
mh_purge() {
    mk_remove_paths "$MH_CONF_DIR" "$MK_STATE" "/var/lib/systemd/timers/stamp-$MH_BACKUP_TIMER"
    mk_remove_user
}
