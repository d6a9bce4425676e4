# shellcheck shell=bash
# shellcheck disable=SC2154 # the caller sets suite, mirror, base_cache, keep, boot, deb, version
# What deploy/test-deb (the kiosk's package) and deploy/test-hub-deb (the hub's) share: PASS/FAIL
# checks with timed phases, this machine's tools, a work directory cleaned up at exit, fresh
# debootstrap roots, chroot and systemd-nspawn helpers. Sourced by both (bash).

test_name=$(basename "$0")

# --- timing, checks ------------------------------------------------------------------------
t0=$(date +%s.%N)
phases=()
phase_name="" phase_start=""
phase() {
    local now; now=$(date +%s.%N)
    [ -z "$phase_name" ] || phases+=("$(awk -v n="$phase_name" -v a="$phase_start" -v b="$now" 'BEGIN { printf "%-50s %7.1f s", n, b - a }')")
    phase_name=${1:-} phase_start=$now
    [ -z "$phase_name" ] || echo "=== $phase_name"
}
passed=0 failed=0
check_log=$(mktemp)
check() { # NAME COMMAND...: PASS/FAIL line; on failure the command's output
    local name=$1; shift
    if "$@" >"$check_log" 2>&1; then
        echo "PASS  $name"; passed=$((passed + 1))
    else
        echo "FAIL  $name"; tail -n 25 "$check_log" | sed 's/^/        /'; failed=$((failed + 1))
    fi
}

# --- this machine's tools ------------------------------------------------------------------
# Installs what the test needs on this machine (systemd-nspawn and tmux too with boot=1).
ensure_host_tools() {
    local need=()
    command -v debootstrap >/dev/null || need+=(debootstrap)
    command -v readelf >/dev/null || need+=(binutils)
    command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
    if [ "$boot" = 1 ]; then
        command -v systemd-nspawn >/dev/null || need+=(systemd-container)
        command -v tmux >/dev/null || need+=(tmux)
    fi
    [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
    if [ ${#need[@]} -gt 0 ]; then
        echo "=== installing on this machine: ${need[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
    fi
}

# The mirror this machine's apt uses for $suite (one-line or deb822 sources), if Debian.
host_mirror() {
    local id=""
    # shellcheck disable=SC1091
    id=$(. /etc/os-release && echo "${ID:-}")
    [ "$id" = debian ] || return 0
    {
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            awk -v s="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == s) { print $i; exit } }' "$f"
        done
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
                { uris = ""; suites = ""; types = ""; on = 1
                  for (i = 1; i <= NF; i++) {
                      if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); uris = $i }
                      if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", $i); suites = " " $i " " }
                      if ($i ~ /^Types:/) types = $i " "
                      if ($i ~ /^Enabled:[ \t]*no/) on = 0 }
                  if (on && types ~ / deb / && index(suites, " " s " ")) { split(uris, u, " "); print u[1]; exit } }' "$f"
        done
    } | head -n 1
}

# --- work directory, mounts, cleanup -------------------------------------------------------
work=""
# The work directory under /var/tmp, removed at exit (with --keep, kept) once nothing is
# mounted under it; a booted container and the tmux server are stopped first.
make_work_dir() {
    work=$(mktemp -d /var/tmp/mentor-kiosk-test.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}
mounts_under() { [ -n "$work" ] || return 0; awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts; }
nspawn_pid="" pane_pid="" tmux_socket=mentor-kiosk-test-$$
stop_container() {
    [ -n "$nspawn_pid" ] || return 0
    kill -TERM "$nspawn_pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
    wait "$nspawn_pid" 2>/dev/null || true
    nspawn_pid=""
}
cleanup() {
    local status=$?
    local m
    stop_container
    # A pane whose shell ignores SIGHUP (test-deb's tty1) outlives kill-server alone.
    [ -z "$pane_pid" ] || kill -TERM -- "-$pane_pid" 2>/dev/null || true
    tmux -L "$tmux_socket" kill-server 2>/dev/null || true
    for m in $(mounts_under | sort -r); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
    if [ -n "$(mounts_under)" ]; then
        echo "$test_name: still mounted under $work; not deleting it" >&2
    elif [ "$keep" = 1 ]; then
        echo "$test_name: kept $work"
    else
        rm -rf "$work"
    fi
    rm -f "$check_log"
    exit "$status"
}

# chroot with a clean environment and /proc mounted.
mount_proc() { mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"; }
unmount_proc() { ! mountpoint -q "$1/proc" || umount "$1/proc"; }
in_root() {
    local root=$1; shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# --- checks on the root under test ($R) -----------------------------------------------------
R=""  # the root under test
stat_is() { # PATH "MODE USER GROUP"
    local got; got=$(in_root "$R" stat -c '%a %U %G' "$1") || return 1
    [ "$got" = "$2" ] || { echo "$1: $got, wanted $2"; return 1; }
}
package_status() { # PACKAGE STATUS: dpkg's abbreviation (ii, rc, or "" for unknown or not installed)
    local got; got=$(in_root "$R" dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)
    got=${got%% }; [[ $got == un* ]] && got=""
    [ "$got" = "$2" ] || { echo "dpkg status \"$got\", wanted \"$2\""; return 1; }
}
absent() { if [ -e "$R$1" ] || [ -L "$R$1" ]; then echo "$1 exists"; ls -la "$R$1"; return 1; fi; }
present() { [ -e "$R$1" ] || { echo "$1 is missing"; return 1; }; }
# UNIT: the .wants folder its [Install] section links it into
wants() {
    case "$1" in *.timer) echo timers.target.wants ;; *) echo multi-user.target.wants ;; esac
}
enabled() { # UNIT_PATH
    local name; name=$(basename "$1")
    local link=$R/etc/systemd/system/$(wants "$name")/$name
    [ -L "$link" ] || { echo "no $(wants "$name") link for $name"; return 1; }
    # /lib is /usr/lib (merged /usr): trixie's systemctl links to /usr/lib/systemd/system.
    [ "$(readlink "$link" | sed 's#^/usr/lib/#/lib/#')" = "$1" ] || { echo "link points to $(readlink "$link")"; return 1; }
    [ "$(in_root "$R" systemctl is-enabled "$name")" = enabled ]
}
all_enabled() { # UNIT_DIR: every unit of the caller's $units enabled from there
    local unit
    for unit in "${units[@]}"; do enabled "$1/$unit" || return 1; done
}
not_enabled() { # [UNIT]: no .wants link (by default for every unit)
    local unit
    [ $# -gt 0 ] || set -- "${units[@]}"
    for unit in "$@"; do absent "/etc/systemd/system/$(wants "$unit")/$unit" || return 1; done
}

# --- a fresh root --------------------------------------------------------------------------
# $work/base: a fresh minbase root of $suite, by debootstrap from $mirror, or unpacked from
# $base_cache (which the first run writes).
make_fresh_root() {
    base=$work/base
    if [ -n "$base_cache" ] && [ -f "$base_cache" ]; then
        phase "unpack the fresh $suite root ($base_cache)"
        mkdir -p "$base"
        tar -C "$base" -xpf "$base_cache"
    else
        phase "debootstrap $suite minbase ($mirror)"
        keyring=()
        [ ! -e /usr/share/keyrings/debian-archive-keyring.gpg ] || keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
        nice -n 10 debootstrap --variant=minbase "${keyring[@]}" "$suite" "$base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
            { tail -n 30 "$work/debootstrap.log"; die "debootstrap failed (log above)"; }
        cp /etc/resolv.conf "$base/etc/resolv.conf"
        in_root "$base" apt-get update -q >/dev/null
        rm -rf "$base/var/cache/apt/archives/"*.deb
        if [ -n "$base_cache" ]; then
            tar -C "$base" -cpf "$base_cache" .
            echo "saved the fresh root as $base_cache"
        fi
    fi
    cp /etc/resolv.conf "$base/etc/resolv.conf"
}

# --- booted: systemd in systemd-nspawn -------------------------------------------------------
# Boots $R with systemd (nspawn's extra OPTIONS given), waits until it is running or degraded;
# in_boot runs a command inside it.
leader=""
boot_root() {
    systemd-nspawn -q -D "$R" --boot --register=no --keep-unit --console=passive \
        "$@" >>"$work/nspawn.log" 2>&1 &
    nspawn_pid=$!
    leader=""
    local pid state=""
    for _ in $(seq 60); do  # the container's init: nspawn's child that runs systemd
        for pid in $(ps -o pid= --ppid "$nspawn_pid" 2>/dev/null); do
            [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != systemd ] || leader=$pid
        done
        [ -z "$leader" ] || break
        kill -0 "$nspawn_pid" 2>/dev/null || break
        sleep 0.5
    done
    if [ -n "$leader" ]; then
        state=$(timeout 90 nsenter -t "$leader" -a systemctl is-system-running --wait 2>&1 || true)
    fi
    echo "container init: ${leader:-none}, system state: ${state:-unknown}"
    [ "$state" = running ] || [ "$state" = degraded ]
}
in_boot() {
    nsenter -t "$leader" -a /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# The timings and the verdict: exits 1 when a check failed.
finish() {
    phase ""
    local total; total=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    echo
    echo "timings:"
    printf '  %s\n' "${phases[@]}"
    printf '  %-50s %7.1f s\n' "total" "$total"
    echo
    if [ "$failed" = 0 ]; then
        echo "$test_name: all $passed checks passed ($suite, $(dpkg-deb -f "$deb" Architecture), package $version)"
    else
        echo "$test_name: $failed of $((passed + failed)) checks FAILED ($suite, package $version)"
        exit 1
    fi
}
