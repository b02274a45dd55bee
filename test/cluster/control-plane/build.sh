#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from the versions pinned in
# go.mod into a cache directory outside the repository, and prints that directory on the
# last line of stdout. A complete build for the same inputs is reused without running Go.
#
#   RB_CONTROL_PLANE_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/resilience-bench/control-plane)
#
#   build.sh --check   prints the directory and exits 0 if the build is complete, 3 if not
#                      (never builds; needs no Go)
#
# Everything else (Go's progress, errors) goes to stderr. GOMODCACHE and GOCACHE keep
# Go's defaults so that a rebuild after a version bump only compiles what changed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The release these binaries identify as. gitCommit and buildDate are the tag's commit and
# time as the Go module proxy reports them (go mod download -json k8s.io/kubernetes@v1.34.12).
k8s_version=v1.34.12
k8s_commit=26c89157669bdc7e3657302bc1abde758507095b
k8s_date=2026-09-23T17:08:30Z
etcd_version=v3.6.5
etcd_commit=a061450

log() { printf 'control-plane: %s\n' "$*" >&2; }

pinned() { awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$here/go.mod"; }
if [[ "$(pinned k8s.io/kubernetes)" != "$k8s_version" || "$(pinned go.etcd.io/etcd/server/v3)" != "$etcd_version" ]]; then
  log "go.mod pins k8s.io/kubernetes $(pinned k8s.io/kubernetes) and etcd $(pinned go.etcd.io/etcd/server/v3);"
  log "update k8s_version/k8s_commit/k8s_date/etcd_version/etcd_commit in build.sh to match"
  exit 1
fi

cache_root="${RB_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/resilience-bench/control-plane}"
key="$(cat "$here/go.mod" "$here/go.sum" "$here/tools.go" "$here/build.sh" | sha256sum | cut -c1-16)"
bin_dir="$cache_root/$key"
binaries=(etcd kube-apiserver kube-controller-manager)

complete() {
  [[ -f "$bin_dir/.complete" ]] || return 1
  local b
  for b in "${binaries[@]}"; do [[ -x "$bin_dir/$b" ]] || return 1; done
}

if [[ "${1:-}" == --check ]]; then
  printf '%s\n' "$bin_dir"
  if complete; then exit 0; else exit 3; fi
fi

if complete; then
  log "reusing $bin_dir"
  printf '%s\n' "$bin_dir"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    PATH="$PATH:/usr/local/go/bin"
  else
    log "Go is not installed (needed once to build the control plane into $bin_dir)"
    exit 127
  fi
fi

mkdir -p "$cache_root"
# One build per key at a time; a second caller waits and then reuses the first one's result.
exec 9>"$cache_root/.lock-$key"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if complete; then
  log "reusing $bin_dir (built while waiting)"
  printf '%s\n' "$bin_dir"
  exit 0
fi

tmp="$(mktemp -d "$cache_root/.build-$key.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# Static binaries, as the release build makes them; no toolchain downloads; the module is
# built exactly as go.mod/go.sum pin it (-mod=readonly fails instead of resolving anew).
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"

ldflags=(-s -w)
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=(
    -X "$pkg.gitVersion=$k8s_version"
    -X "$pkg.gitMajor=$(cut -d. -f1 <<<"${k8s_version#v}")"
    -X "$pkg.gitMinor=$(cut -d. -f2 <<<"$k8s_version")"
    -X "$pkg.gitCommit=$k8s_commit"
    -X "$pkg.gitTreeState=clean"
    -X "$pkg.buildDate=$k8s_date"
  )
done
ldflags+=(-X "go.etcd.io/etcd/api/v3/version.GitSHA=$etcd_commit")

log "building kube-apiserver, kube-controller-manager $k8s_version and etcd $etcd_version with $(go env GOVERSION) into $bin_dir"
start=$SECONDS
(
  cd "$here"
  # -o DIR/ with several main packages writes one binary per package, named after its
  # last path element; go.etcd.io/etcd/server/v3 therefore becomes "server".
  go build -trimpath -ldflags "${ldflags[*]}" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    go.etcd.io/etcd/server/v3
) >&2
mv "$tmp/server" "$tmp/etcd"

for b in kube-apiserver kube-controller-manager; do
  reported="$("$tmp/$b" --version)"
  if [[ "$reported" != "Kubernetes $k8s_version" ]]; then
    log "$b reports '$reported', expected 'Kubernetes $k8s_version'"
    exit 1
  fi
done
# Read the whole output first: grep -q stops reading at the match, and under pipefail the
# SIGPIPE etcd then gets writing its remaining lines would fail a good build.
etcd_reported="$("$tmp/etcd" --version)"
grep -q "etcd Version: ${etcd_version#v}" <<<"$etcd_reported" || { log "etcd reports: $etcd_reported"; exit 1; }

{
  echo "kubernetes=$k8s_version"
  echo "etcd=$etcd_version"
  echo "go=$(go env GOVERSION)"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "seconds=$((SECONDS - start))"
} >"$tmp/.complete"

rm -rf "$bin_dir"
mv "$tmp" "$bin_dir"
trap - EXIT
log "built in $((SECONDS - start))s"
printf '%s\n' "$bin_dir"
