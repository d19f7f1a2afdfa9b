#!/usr/bin/env bash
# Starts a private Docker registry (Debian's docker-registry, i.e.
# distribution 2.8) on 127.0.0.1 for the docker-push tests, installing the
# package when missing. dockerd allows plain HTTP to 127.0.0.0/8 registries
# by default, so no daemon configuration is needed.
#
# Prints the address (127.0.0.1:PORT) on stdout; the tests read it from
# /var/lib/kiln-test/registry/addr (or KILN_TEST_REGISTRY). Idempotent: a
# registry that already answers is reused. Needs root.
set -euo pipefail

log() { printf '[start-test-registry] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
DIR=/var/lib/kiln-test/registry
PORT=${KILN_TEST_REGISTRY_PORT:-5055}
ADDR=127.0.0.1:$PORT
mkdir -p "$DIR/data"

answers() { curl -fsS -m 2 "http://$ADDR/v2/" >/dev/null 2>&1; }

if answers; then
	log "registry already on $ADDR"
	echo "$ADDR" >"$DIR/addr"
	echo "$ADDR"
	exit 0
fi

if ! command -v docker-registry >/dev/null; then
	log "installing docker-registry"
	export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
	apt=(apt-get -q -o DPkg::Lock::Timeout=300)
	"${apt[@]}" install -y --no-install-recommends docker-registry curl >/tmp/kiln-registry-apt.log 2>&1 </dev/null || {
		"${apt[@]}" update >/dev/null </dev/null || true
		"${apt[@]}" install -y --no-install-recommends docker-registry curl >/tmp/kiln-registry-apt.log 2>&1 </dev/null ||
			{ tail -n 20 /tmp/kiln-registry-apt.log >&2; die "apt-get install docker-registry failed"; }
	}
	# The package starts a system registry on :5000; the tests use their own.
	if command -v systemctl >/dev/null && systemctl is-active --quiet docker-registry 2>/dev/null; then
		systemctl stop docker-registry || true
	fi
fi

cat >"$DIR/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DIR/data
  delete:
    enabled: true
http:
  addr: $ADDR
CONF

if pid=$(cat "$DIR/registry.pid" 2>/dev/null) && [ -d "/proc/$pid" ]; then
	kill "$pid" 2>/dev/null || true
	sleep 1
fi
setsid nohup docker-registry serve "$DIR/config.yml" </dev/null >"$DIR/registry.log" 2>&1 &
echo $! >"$DIR/registry.pid"
for _ in $(seq 1 40); do
	if answers; then
		echo "$ADDR" >"$DIR/addr"
		log "registry on $ADDR (pid $(cat "$DIR/registry.pid"), log $DIR/registry.log)"
		echo "$ADDR"
		exit 0
	fi
	sleep 0.25
done
tail -n 20 "$DIR/registry.log" >&2
die "registry did not answer on $ADDR"
