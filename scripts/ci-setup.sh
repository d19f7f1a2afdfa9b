#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) for kiln's tests:
#   1. installs what is missing: docker.io, busybox-static, openssh-server,
#      debootstrap, hyperfine, and e2fsprogs, fdisk, qemu-utils (the chroot
#      builder and its tests);
#   2. reuses a Docker engine that already answers, or starts dockerd in the
#      background on /var/run/docker.sock and checks that `docker run` works;
#   3. builds the local test images (scripts/build-test-images.sh).
# Idempotent: a second run only checks (a few seconds). Progress goes to stderr.
#
# Environment:
#   DOCKER_HOST        engine to use (default unix:///var/run/docker.sock; an
#                      engine is only started for the default socket)
#   KILN_TEST_DEBIAN=1 also build kiln-test/debian:bookworm (slow, see
#                      build-test-images.sh)
#   KILN_TEST_SSHD=1   also start a test sshd on 127.0.0.1 (prints its port)
#   KILN_DOCKERD_FLAGS a dockerd flag set to try before the built-in ones
set -euo pipefail

T0=$SECONDS
log() { printf '[ci-setup +%3ds] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=/var/lib/kiln-test
DOCKERD_LOG=/var/log/kiln-dockerd.log
DOCKERD_PIDFILE=/var/run/docker.pid # written by dockerd itself
DEFAULT_SOCK=unix:///var/run/docker.sock
export DOCKER_HOST=${DOCKER_HOST:-$DEFAULT_SOCK}
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
mkdir -p "$STATE_DIR"

# ---------------------------------------------------------------- packages

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

engine_up() {
	timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

install_packages() {
	local want=(busybox-static openssh-server debootstrap hyperfine e2fsprogs fdisk qemu-utils) missing=() p
	# The engine (and CLI) only when there is none: a docker-ce install is fine.
	if ! command -v docker >/dev/null || { ! command -v dockerd >/dev/null && ! engine_up; }; then
		want+=(docker.io)
	fi
	for p in "${want[@]}"; do pkg_installed "$p" || missing+=("$p"); done
	if [ ${#missing[@]} -eq 0 ]; then
		log "packages present"
		return
	fi
	log "installing ${missing[*]}"
	local apt=(apt-get -q -o DPkg::Lock::Timeout=300)
	"${apt[@]}" update >/dev/null </dev/null || die "apt-get update failed"
	"${apt[@]}" install -y "${missing[@]}" >/tmp/kiln-apt.log 2>&1 </dev/null || {
		tail -n 30 /tmp/kiln-apt.log >&2
		die "apt-get install failed"
	}
	log "installed ${missing[*]}"
}

# ---------------------------------------------------------------- dockerd

# Flag sets tried in order until `docker run` works. overlay2 with the default
# bridge works on a normal host and in this project's sandbox VMs; vfs is for
# hosts whose filesystem cannot hold overlayfs (e.g. / on overlayfs); no
# iptables/bridge for sandboxes without netfilter (containers then only get lo).
DOCKERD_CANDIDATES=(
	"--storage-driver=overlay2"
	"--storage-driver=overlay2 --iptables=false --ip-masq=false --bridge=none"
	"--storage-driver=vfs"
	"--storage-driver=vfs --iptables=false --ip-masq=false --bridge=none"
)

dockerd_pid() {
	local pid
	pid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null) || return 1
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && echo "$pid"
}

stop_dockerd() {
	local pid i
	pid=$(dockerd_pid) || return 0
	log "stopping dockerd (pid $pid)"
	kill "$pid" 2>/dev/null || true
	for i in $(seq 1 30); do
		[ -d "/proc/$pid" ] || return 0
		sleep 1
	done
	kill -9 "$pid" 2>/dev/null || true
	sleep 1
}

# start_dockerd FLAGS: starts dockerd detached, waits up to 60 s for the API.
start_dockerd() {
	local flags=$1 pid i
	[ -f "$DOCKERD_LOG" ] && mv -f "$DOCKERD_LOG" "$DOCKERD_LOG.1"
	# A pid file left by a killed dockerd makes a new one refuse to start.
	dockerd_pid >/dev/null || rm -f "$DOCKERD_PIDFILE"
	log "starting dockerd $flags (log: $DOCKERD_LOG)"
	# shellcheck disable=SC2086 # flags are word lists on purpose
	setsid nohup dockerd -H "$DEFAULT_SOCK" --pidfile "$DOCKERD_PIDFILE" $flags \
		</dev/null >"$DOCKERD_LOG" 2>&1 &
	pid=$!
	for i in $(seq 1 60); do
		if engine_up; then
			log "dockerd (pid $pid) answers after ${i}s"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			log "dockerd exited; last log lines:"
			tail -n 15 "$DOCKERD_LOG" >&2
			return 1
		fi
		sleep 1
	done
	log "dockerd did not answer within 60s; last log lines:"
	tail -n 15 "$DOCKERD_LOG" >&2
	stop_dockerd
	return 1
}

# Builds the busybox image and runs a container from it.
images_and_smoke_test() {
	bash "$HERE/build-test-images.sh" || return 1
	local out
	out=$(timeout 60 docker run --rm kiln-test/busybox:latest /bin/sh -c 'echo ok; tar --help >/dev/null 2>&1 && echo tar-ok' 2>&1) || true
	if [ "$out" = "ok"$'\n'"tar-ok" ]; then
		log "docker run works"
		return 0
	fi
	log "docker run failed: $out"
	return 1
}

ensure_engine() {
	if engine_up; then
		log "reusing the Docker engine at $DOCKER_HOST"
		images_and_smoke_test || die "the running engine cannot run containers (see above)"
		return
	fi
	[ "$DOCKER_HOST" = "$DEFAULT_SOCK" ] ||
		die "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to let ci-setup start a local engine"
	command -v dockerd >/dev/null || die "dockerd not installed"
	if dockerd_pid >/dev/null; then
		# Ours from a previous run, but not answering (still starting, or hung).
		log "dockerd (pid $(dockerd_pid)) runs but does not answer; waiting up to 30s"
		for _ in $(seq 1 30); do engine_up && break; sleep 1; done
		if engine_up; then
			images_and_smoke_test || die "the running engine cannot run containers (see above)"
			return
		fi
		stop_dockerd
	fi

	local candidates=() flags
	[ -n "${KILN_DOCKERD_FLAGS:-}" ] && candidates+=("$KILN_DOCKERD_FLAGS")
	candidates+=("${DOCKERD_CANDIDATES[@]}")
	for flags in "${candidates[@]}"; do
		start_dockerd "$flags" && images_and_smoke_test && return
		stop_dockerd
	done
	die "could not start a working dockerd with any of: ${candidates[*]}"
}

# ---------------------------------------------------------------- sshd
# ==== TEST SSHD (not started by default; KILN_TEST_SSHD=1 starts it) ====
# A private sshd on 127.0.0.1 on a free high port, root login by key only.
# Files in /var/lib/kiln-test/sshd: id_ed25519 (client key), port, sshd.log.
# Prints the port on stdout.
start_test_sshd() {
	local dir=$STATE_DIR/sshd port pid
	mkdir -p "$dir" /run/sshd
	chmod 700 "$dir"
	if pid=$(cat "$dir/sshd.pid" 2>/dev/null) && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] &&
		port=$(cat "$dir/port" 2>/dev/null) && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		log "test sshd already on 127.0.0.1:$port"
		echo "$port"
		return
	fi
	[ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key"
	[ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kiln-test -f "$dir/id_ed25519"
	cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
	for port in $(seq 22220 22299); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	cat >"$dir/sshd_config" <<-EOF
		ListenAddress 127.0.0.1:$port
		HostKey $dir/ssh_host_ed25519_key
		PidFile $dir/sshd.pid
		AuthorizedKeysFile $dir/authorized_keys
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		Subsystem sftp internal-sftp
	EOF
	/usr/sbin/sshd -t -f "$dir/sshd_config" || die "bad test sshd config"
	/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null
	for _ in $(seq 1 20); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.25
	done
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "test sshd did not listen on $port (see $dir/sshd.log)"
	echo "$port" >"$dir/port"
	log "test sshd on 127.0.0.1:$port (key $dir/id_ed25519)"
	echo "$port"
}

# ---------------------------------------------------------------- main

install_packages
ensure_engine
[ "${KILN_TEST_SSHD:-0}" = 1 ] && start_test_sshd

images=$(docker image ls --format '{{.Repository}}:{{.Tag}}' 'kiln-test/*' | sort | paste -sd, -)
log "done in $((SECONDS - T0))s"
printf 'ci-setup: docker engine %s (API %s, %s) at %s; images: %s\n' \
	"$(docker version --format '{{.Server.Version}}')" \
	"$(docker version --format '{{.Server.APIVersion}}')" \
	"$(docker info --format '{{.Driver}}')" \
	"$DOCKER_HOST" "${images:-none}" >&2
