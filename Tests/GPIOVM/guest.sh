#!/bin/sh
# The GPIO integration test, run inside the VM by scripts/gpio-vm/run (busybox sh): the real
# mentor-kiosk against gpio-sim's character device. Lines 0–3 are the buttons, 4–6 the green
# LED, red LED and buzzer. A pulled-down line is a pressed button (pull-up, active low).
set -u
# The libgpiod API (1 or 2) the binary must have been built for; empty: either.
expected_api=${1:-}
kiosk=/payload/mentor-kiosk
sim=$GPIO_SIM_SYSFS
config=/tmp/kiosk.toml
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

cat > "$config" <<TOML
[kiosk]
state_directory = "/tmp/state"
[gpio]
chip = "$GPIO_SIM_LABEL"
buttons = [0, 1, 2, 3]
green_led = 4
red_led = 5
buzzer = 6
debounce_ms = 20
TOML

for line in 0 1 2 3; do echo pull-up > "$sim/sim_gpio$line/pull"; done

# Waits (up to 60 s) until mentor-kiosk's edge interrupts are set up: toggling earlier is lost.
wait_consumer() {
    tries=0
    until grep -q "mentor-kiosk" /proc/interrupts; do
        tries=$((tries + 1))
        [ $tries -gt 600 ] && return 1
        sleep 0.1
    done
}

# A press of line $1 as a real contact makes it: a burst of bounces, held, a bouncing release.
press() {
    for level in pull-down pull-up pull-down pull-up pull-down; do echo $level > "$sim/sim_gpio$1/pull"; done
    sleep 0.3
    for level in pull-up pull-down pull-up; do echo $level > "$sim/sim_gpio$1/pull"; done
    sleep 0.3
}

echo "== chip found by its label"
if $kiosk hardware info --config "$config" > /tmp/info 2>&1 && grep -q "is $GPIO_SIM_CHIP with 8 lines" /tmp/info; then
    pass "label $GPIO_SIM_LABEL is $GPIO_SIM_CHIP"
else
    fail "hardware info: $(cat /tmp/info)"
fi
if [ -n "$expected_api" ]; then
    if grep -q ", API $expected_api)" /tmp/info; then
        pass "the libgpiod v$expected_api code path: $(grep -o '(libgpiod [^)]*)' /tmp/info)"
    else
        fail "expected the libgpiod v$expected_api code path: $(cat /tmp/info)"
    fi
fi

echo "== presses with bounces arrive as exactly one press each; a short glitch is none"
$kiosk hardware buttons --config "$config" --count 3 --timeout 120 > /tmp/presses 2>&1 &
buttons=$!
wait_consumer || fail "mentor-kiosk never took the button lines"
grep -q "waiting for presses" /tmp/presses || sleep 1
# A glitch of about a millisecond: far shorter than the 20 ms debounce.
echo pull-down > "$sim/sim_gpio0/pull"; echo pull-up > "$sim/sim_gpio0/pull"
sleep 0.3
press 1
press 1
press 3
wait $buttons
status=$?
expected="waiting for presses on $GPIO_SIM_CHIP
button 2
button 2
button 4"
if [ "$status" = 0 ] && [ "$(cat /tmp/presses)" = "$expected" ]; then
    pass "three presses, bounces and glitch ignored"
else
    fail "buttons exited $status, printed: $(cat /tmp/presses)"
fi

echo "== a line already taken is refused, naming the line and who holds it"
$kiosk hardware buttons --config "$config" --timeout 30 > /tmp/holder 2>&1 &
holder=$!
wait_consumer
$kiosk hardware buttons --config "$config" --timeout 1 > /tmp/second 2>&1
status=$?
if [ "$status" != 0 ] && grep -q 'button 1 (line 0) is in use by "mentor-kiosk"' /tmp/second; then
    pass "second request refused: $(cat /tmp/second)"
else
    fail "second request exited $status: $(cat /tmp/second)"
fi
kill $holder; wait $holder 2>/dev/null

echo "== LEDs and buzzer take each step of every pattern"
value() { cat "$sim/sim_gpio$1/value"; }
for outcome in ok late already error; do
    rm -f /tmp/steps /tmp/signal
    mkfifo /tmp/steps
    $kiosk hardware signal "$outcome" --step --config "$config" < /tmp/steps > /tmp/signal 2>&1 &
    signal=$!
    exec 3> /tmp/steps
    step=1
    while :; do
        tries=0
        until grep -q "^step $step/\|^done" /tmp/signal; do
            tries=$((tries + 1)); [ $tries -gt 600 ] && break; sleep 0.1
        done
        line=$(grep "^step $step/" /tmp/signal)
        [ -z "$line" ] && break
        want() { case "$line" in *"$1 on"*) echo 1 ;; *) echo 0 ;; esac; }
        got="$(value 4)$(value 5)$(value 6)"
        expected="$(want green)$(want red)$(want buzzer)"
        [ "$got" = "$expected" ] || fail "$outcome step $step: green/red/buzzer are $got, expected $expected ($line)"
        echo >&3
        step=$((step + 1))
    done
    exec 3>&-
    wait $signal
    status=$?
    grep -q "^done: all off" /tmp/signal && [ "$(value 4)$(value 5)$(value 6)" = 000 ] && [ $status = 0 ] \
        && pass "$outcome: $((step - 1)) steps as printed, then all off" \
        || fail "$outcome: exit $status, $(tail -1 /tmp/signal), outputs $(value 4)$(value 5)$(value 6)"
done

echo "== badge reader: grabbed, scans with and without Enter, unplugged and plugged back"
reader=/tmp/by-id/usb-Mentor_Test_Reader-event-kbd   # what udev's by-id link would be
mkdir -p /tmp/by-id
# Plugs the reader in: a uinput keyboard fed from the fifo /tmp/reader-in.
plug() {
    rm -f /tmp/reader-in; mkfifo /tmp/reader-in
    /payload/inject-keys < /tmp/reader-in > /tmp/reader-node 2>&1 &
    exec 4> /tmp/reader-in
    tries=0
    until [ -s /tmp/reader-node ] && [ -e "/dev/input/$(cat /tmp/reader-node)" ]; do
        tries=$((tries + 1)); [ $tries -gt 100 ] && { fail "no reader device: $(cat /tmp/reader-node)"; return; }
        sleep 0.1
    done
    ln -sf "/dev/input/$(cat /tmp/reader-node)" "$reader"
}
printf '[reader]\ndevice = "%s"\n' "$reader" > /tmp/reader.toml
plug
$kiosk hardware reader --config /tmp/reader.toml --count 3 > /tmp/scans 2>&1 &
scanner=$!
tries=0
until grep -q "grabbed" /tmp/scans 2>/dev/null; do tries=$((tries + 1)); [ $tries -gt 600 ] && break; sleep 0.1; done
# Grabbed exclusively: a second reader of the device is refused, so nothing else sees scans.
$kiosk hardware reader --config /tmp/reader.toml --count 1 > /tmp/second-reader 2>&1 &
second=$!
sleep 2; kill $second; wait $second 2>/dev/null
grep -q "Device or resource busy" /tmp/second-reader && pass "the device is grabbed: $(head -1 /tmp/second-reader)" \
    || fail "a second reader was not refused: $(cat /tmp/second-reader)"
echo "type AB12" >&4
echo "keys 9911" >&4        # a reader that sends no Enter: silence ends the scan
sleep 1
echo "quit" >&4; exec 4>&-  # unplugged
sleep 1.5
plug                        # plugged back: reopened within a second or so
sleep 2.5
echo "type X777" >&4
wait $scanner
status=$?
echo "quit" >&4; exec 4>&-
expected="Badge reader   ✓ $reader, grabbed
scan: AB12
scan: 9911
scan: X777"
if [ $status = 0 ] && [ "$(cat /tmp/scans)" = "$expected" ]; then
    pass "three scans, one across an unplug"
else
    fail "reader exited $status, printed: $(cat /tmp/scans)"
fi

echo "== the kiosk on tty1: a scan from the reader checks in and lights green; a GPIO button goes back"
screen() { tr -c ' -~' ' ' < /dev/vcs1; }   # the console's text, rows run together
wait_screen() {
    tries=0
    until screen | grep -q "$1"; do
        tries=$((tries + 1)); [ $tries -gt 600 ] && { fail "\"$1\" never appeared; the screen: $(screen | tr -s ' ')"; return 1; }
        sleep 0.1
    done
}
now=2026-03-02T15:00:00Z
cat "$config" /tmp/reader.toml > /tmp/appliance.toml
printf 'id,name,role,badges,active\nP1,Lena Novak,mentee,200004,true\n' > /tmp/participants.csv
printf 'session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS1,Open Hour,networking,Main Lobby,2026-03-02T14:50:00Z,2026-03-02T18:00:00Z,,\n' > /tmp/sessions.csv
$kiosk init --config /tmp/appliance.toml > /dev/null \
    && $kiosk import participants /tmp/participants.csv --config /tmp/appliance.toml > /dev/null \
    && $kiosk import sessions /tmp/sessions.csv --config /tmp/appliance.toml > /dev/null \
    || fail "could not set up the database"
plug
TERMINFO=/payload/terminfo TERM=linux LANG=C.UTF-8 $kiosk run --config /tmp/appliance.toml --now $now < /dev/tty1 > /dev/tty1 2> /tmp/run.log &
appliance=$!
if wait_screen "Open Hour"; then
    pass "idle screen on tty1 ($(grep GPIO /tmp/run.log | head -1 | cut -c1-60)…)"
    echo "type 200004" >&4
    if wait_screen "Welcome, Lena Novak"; then
        [ "$(value 4)" = 1 ] && [ "$(value 5)" = 0 ] && pass "welcome on screen, green LED on" \
            || fail "welcome on screen, but green/red are $(value 4)/$(value 5)"
        echo pull-down > "$sim/sim_gpio3/pull"; sleep 0.3; echo pull-up > "$sim/sim_gpio3/pull"
        wait_screen "1 here" && pass "button 4 went back to the idle screen: Open Hour, 1 here"
    fi
fi
$kiosk tally S1 --config /tmp/appliance.toml --now $now > /tmp/tally 2>&1
grep -q "Present 1" /tmp/tally && grep -q "Lena Novak" /tmp/tally && pass "the check-in is in the database" \
    || fail "tally: $(cat /tmp/tally)"
kill -TERM $appliance; wait $appliance
status=$?
[ $status = 0 ] && pass "SIGTERM: exit 0" || fail "the kiosk exited $status on SIGTERM; log: $(cat /tmp/run.log)"
echo "quit" >&4; exec 4>&-

echo "== $failures failure(s)"
[ $failures = 0 ]
