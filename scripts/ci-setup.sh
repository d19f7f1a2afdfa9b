#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root) for kiln's tests:
#   1. installs what is missing: docker.io, busybox-static, openssh-server,
#      debootstrap, hyperfine, e2fsprogs, fdisk, qemu-utils (the chroot
#      builder and its tests), and lz4, zstd, xz-utils, unzip (the compress
#      post-processor's tests extract its archives with them);
#   2. reuses a Docker engine that already answers, or starts dockerd in the
#      background on /var/run/docker.sock and checks that `docker run` works;
#   3. builds the local test images (scripts/build-test-images.sh);
#   4. caches the Debian root filesystem tarball the chroot builder's tests
#      build from (build-test-images.sh debian-rootfs: ~30 s once, then
#      cached in /var/cache/kiln-test).
# Idempotent: a second run only checks (a few seconds). Progress goes to stderr.
#
# Environment:
#   DOCKER_HOST        engine to use (default unix:///var/run/docker.sock; an
#                      engine is only started for the default socket)
#   KILN_TEST_DEBIAN=0 do not build kiln-test/debian:bookworm (built by
#                      default: the docker corpus test needs it; ~30 s the
#                      first time, cached after, see build-test-images.sh)
#   KILN_TEST_DEBIAN_ROOTFS=0  do not cache the Debian tarball (the chroot
#                      tests that need it then fail in CI)
#   KILN_TEST_SSHD=0   do not start the test sshd on 127.0.0.1 (started by
#                      default when sshd is installed; see start_test_sshd)
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
	local want=(busybox-static openssh-server debootstrap hyperfine e2fsprogs fdisk qemu-utils lz4 zstd xz-utils unzip) missing=() p
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
	KILN_TEST_DEBIAN=${KILN_TEST_DEBIAN:-1} bash "$HERE/build-test-images.sh" || return 1
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
# ==== TEST SSHD (started whenever sshd is installed; KILN_TEST_SSHD=0 skips it) ====
# A private sshd on 127.0.0.1 on a free high port: root logs in by key only,
# the unprivileged user kilntest by password. Files in /var/lib/kiln-test/sshd:
# id_ed25519 (client key), port, sshd.log, and env, which the tests read:
#   KILN_TEST_SSHD_HOST, KILN_TEST_SSHD_PORT, KILN_TEST_SSHD_USER,
#   KILN_TEST_SSHD_KEY, KILN_TEST_SSHD_PASSWORD_USER, KILN_TEST_SSHD_PASSWORD
# Prints the port on stdout.
TEST_SSHD_USER=kilntest

# write_test_sshd_config DIR PORT: the config for the test sshd.
write_test_sshd_config() {
	cat >"$1/sshd_config.new" <<-EOF
		ListenAddress 127.0.0.1:$2
		HostKey $1/ssh_host_ed25519_key
		PidFile $1/sshd.pid
		AuthorizedKeysFile $1/authorized_keys
		PermitRootLogin prohibit-password
		PasswordAuthentication yes
		KbdInteractiveAuthentication no
		AllowTcpForwarding yes
		UsePAM no
		StrictModes no
		MaxStartups 100:30:200
		MaxSessions 100
		Subsystem sftp internal-sftp
	EOF
	# OpenSSH 9.8+ penalises sources whose logins fail; the tests fail logins
	# on purpose, from 127.0.0.1, so turn that off where it exists.
	if /usr/sbin/sshd -G -f "$1/sshd_config.new" -o PerSourcePenalties=no >/dev/null 2>&1; then
		echo "PerSourcePenalties no" >>"$1/sshd_config.new"
	fi
}

# ensure_test_sshd_user DIR: the password user, with a password kept in DIR.
ensure_test_sshd_user() {
	local dir=$1 pw
	id -u "$TEST_SSHD_USER" >/dev/null 2>&1 || useradd -m -s /bin/sh "$TEST_SSHD_USER" ||
		die "cannot create user $TEST_SSHD_USER"
	if [ ! -s "$dir/password" ]; then
		pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
		printf '%s' "$pw" >"$dir/password"
		chmod 600 "$dir/password"
	fi
	printf '%s:%s\n' "$TEST_SSHD_USER" "$(cat "$dir/password")" | chpasswd || die "cannot set the password of $TEST_SSHD_USER"
}

start_test_sshd() {
	local dir=$STATE_DIR/sshd port pid
	mkdir -p "$dir" /run/sshd
	chmod 700 "$dir"
	[ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key"
	[ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C kiln-test -f "$dir/id_ed25519"
	cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
	ensure_test_sshd_user "$dir"
	if pid=$(cat "$dir/sshd.pid" 2>/dev/null) && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] &&
		port=$(cat "$dir/port" 2>/dev/null) && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		write_test_sshd_config "$dir" "$port"
		if cmp -s "$dir/sshd_config.new" "$dir/sshd_config"; then
			rm -f "$dir/sshd_config.new"
			write_test_sshd_env "$dir" "$port"
			log "test sshd already on 127.0.0.1:$port"
			echo "$port"
			return
		fi
		log "test sshd config changed; restarting it"
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 20); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
	fi
	for port in $(seq 22220 22299); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	write_test_sshd_config "$dir" "$port"
	mv -f "$dir/sshd_config.new" "$dir/sshd_config"
	/usr/sbin/sshd -t -f "$dir/sshd_config" || die "bad test sshd config"
	/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null
	for _ in $(seq 1 20); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.25
	done
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "test sshd did not listen on $port (see $dir/sshd.log)"
	echo "$port" >"$dir/port"
	write_test_sshd_env "$dir" "$port"
	log "test sshd on 127.0.0.1:$port (key $dir/id_ed25519, env $dir/env)"
	echo "$port"
}

# write_test_sshd_env DIR PORT: what the tests need to reach the test sshd.
write_test_sshd_env() {
	cat >"$1/env.new" <<-EOF
		KILN_TEST_SSHD_HOST=127.0.0.1
		KILN_TEST_SSHD_PORT=$2
		KILN_TEST_SSHD_USER=root
		KILN_TEST_SSHD_KEY=$1/id_ed25519
		KILN_TEST_SSHD_PASSWORD_USER=$TEST_SSHD_USER
		KILN_TEST_SSHD_PASSWORD=$(cat "$1/password")
	EOF
	chmod 600 "$1/env.new"
	mv -f "$1/env.new" "$1/env"
}

# ---------------------------------------------------------------- main

install_packages
ensure_engine
bash "$HERE/start-test-registry.sh" >/dev/null # docker-push tests: registry on 127.0.0.1
if [ "${KILN_TEST_SSHD:-1}" != 0 ] && [ -x /usr/sbin/sshd ]; then
	start_test_sshd >/dev/null
fi
if [ "${KILN_TEST_DEBIAN_ROOTFS:-1}" != 0 ]; then
	bash "$HERE/build-test-images.sh" debian-rootfs || die "could not cache the Debian root filesystem"
fi

images=$(docker image ls --format '{{.Repository}}:{{.Tag}}' 'kiln-test/*' | sort | paste -sd, -)
log "done in $((SECONDS - T0))s"
printf 'ci-setup: docker engine %s (API %s, %s) at %s; images: %s\n' \
	"$(docker version --format '{{.Server.Version}}')" \
	"$(docker version --format '{{.Server.APIVersion}}')" \
	"$(docker info --format '{{.Driver}}')" \
	"$DOCKER_HOST" "${images:-none}" >&2
