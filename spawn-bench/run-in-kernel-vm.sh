#!/bin/sh
# Runs the agent-tools runner inside the RFC kernel (spawn_template syscalls 472/473) through
# ../shared/kernel/run-in-vm, with the prebuilt jar (no Maven in the guest), on
# processbuilder, userspace, kernel and the C reference driver on both the shim (c) and the
# kernel's spawn (c-kernel).
#
#   spawn-bench/run-in-kernel-vm.sh [agent-tools|agent-tools-light] [runner options...]
#
# Defaults: agent-tools-light, --calls 96, --splits 1x16, --warmup 8, --repeat 2, results in
# spawn-bench/target/agent-tools-vm. Later options win (e.g. --splits 1x16,2x8 --repeat 3).
# That default takes about 20-25 minutes here: each worker JVM's start and warm-up costs a minute or more.
# Build first: mvn -B -q -DskipTests package -pl spawn-bench -am
#
# On this machine the guest runs under QEMU TCG (software emulation, one host thread for both
# vCPUs): a spawn takes ~30-50 ms instead of ~0.5-1 ms, so only ratios inside one VM run mean
# anything, never absolute figures or comparisons with host runs.
# Environment: RUN_IN_VM (default ../shared/kernel/run-in-vm), VM_TIMEOUT seconds (default 3600),
# VM_MEM (default 3G), JAVA_HOME (passed to the guest by run-in-vm).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
run_in_vm=${RUN_IN_VM:-$repo/../shared/kernel/run-in-vm}
jar=$here/target/spawn-bench.jar
[ -f "$jar" ] || { echo "$0: no $jar: build with mvn -B -q -DskipTests package -pl spawn-bench -am" >&2; exit 2; }
[ -x "$run_in_vm" ] || { echo "$0: no run-in-vm at $run_in_vm (set RUN_IN_VM)" >&2; exit 2; }

preset=agent-tools-light
case "${1:-}" in
agent-tools|agent-tools-light) preset=$1; shift ;;
esac

# A private copy of the jar, so a rebuild during the (long) run cannot change it under the guest.
stage=$here/target/vm-run
mkdir -p "$stage"
cp "$jar" "$stage/spawn-bench.jar"

java=java
[ -n "${JAVA_HOME:-}" ] && java=$JAVA_HOME/bin/java
echo "$0: $preset in the RFC kernel VM (TCG: absolute numbers are not comparable with the host)" >&2
export RUN_IN_VM_ALLOW_TCG=1
exec "$run_in_vm" --cwd "$repo" --cpus 2 --mem "${VM_MEM:-3G}" --timeout "${VM_TIMEOUT:-3600}" -- \
	sh -c 'echo "guest kernel: $(uname -r), SPAWN_TEMPLATE_VM=${SPAWN_TEMPLATE_VM:-}" >&2; exec "$@"' guest \
	"$java" -jar "$stage/spawn-bench.jar" "$preset" \
	--backends processbuilder,userspace,kernel,c,c-kernel --calls 96 --splits 1x16 --warmup 8 --repeat 2 \
	--out "$here/target/agent-tools-vm" "$@"
