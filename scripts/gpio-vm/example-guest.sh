#!/bin/sh
# Example guest script for scripts/gpio-vm/run, with Debian's gpiod 1.6 tools in the payload
# (scripts/gpio-vm/example sets that up). It proves the simulated chip works end to end through
# the character device: input edges reach a consumer, and a consumer's output shows in sysfs.
# Runs under busybox sh; exits non-zero on the first thing that is off.
set -u
sim=$GPIO_SIM_SYSFS
chip=$GPIO_SIM_CHIP

fail() {
    echo "FAIL: $*"
    exit 1
}

# Polls a shell condition (a string, evaluated each time) every 0.1 s for up to $1 seconds.
wait_for() {
    limit=$(($1 * 10))
    condition=$2
    n=0
    while ! eval "$condition"; do
        n=$((n + 1))
        [ "$n" -lt "$limit" ] || return 1
        sleep 0.1
    done
}

echo "== gpiodetect"
gpiodetect | tee /tmp/detect.out
grep -q '\[mentor-sim\] (8 lines)' /tmp/detect.out || fail "gpiodetect does not list mentor-sim with 8 lines"

echo "== gpiomon: input edges on line 0"
gpiomon --num-events=2 --bias=pull-up --active-low "$chip" 0 > /tmp/mon.out 2>&1 &
mon=$!
# The edge interrupt is requested (named after the consumer) only after the line itself, so
# /proc/interrupts is the sure sign that a toggle will be seen, not merely the line being busy.
wait_for 10 'grep -q gpiomon /proc/interrupts' || fail "gpiomon did not start listening"
grep -A9 mentor-sim /sys/kernel/debug/gpio
# The consumer's pull-up bias has set the simulated level high; pull it low and back. The pause
# lets each edge be delivered before the next: the simulated interrupt coalesces pending edges.
echo pull-down > "$sim/sim_gpio0/pull"
sleep 0.5
echo pull-up > "$sim/sim_gpio0/pull"
wait_for 10 "! kill -0 $mon 2>/dev/null" || { kill "$mon"; fail "gpiomon saw fewer than 2 events"; }
wait "$mon" || fail "gpiomon failed: $(cat /tmp/mon.out)"
cat /tmp/mon.out
# Active-low inverts the reported edges: pulling low is a RISING edge, pulling high a FALLING one.
[ "$(grep -c 'event: *RISING EDGE offset: 0' /tmp/mon.out)" -eq 1 ] || fail "expected one rising edge"
[ "$(grep -c 'event: FALLING EDGE offset: 0' /tmp/mon.out)" -eq 1 ] || fail "expected one falling edge"

echo "== gpioset: output on line 5"
[ "$(cat "$sim/sim_gpio5/value")" = 0 ] || fail "line 5 is not low before gpioset"
gpioset --mode=time --sec=3 "$chip" 5=1 &
set_pid=$!
# shellcheck disable=SC2016 # evaluated later, by wait_for
wait_for 2 '[ "$(cat "$sim/sim_gpio5/value")" = 1 ]' || fail "sim_gpio5/value did not become 1"
echo "sim_gpio5/value is 1 while gpioset holds the line"
gpioinfo "$chip" | grep -E 'line +5:' | grep -qE '"gpioset" +output' || fail "gpioinfo does not show gpioset driving line 5"
wait "$set_pid" || fail "gpioset failed"
echo "after gpioset exited: sim_gpio5/value=$(cat "$sim/sim_gpio5/value")"

echo "example-guest: all checks passed"
