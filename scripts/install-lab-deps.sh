#!/usr/bin/env bash
# Installs what the loopback lab (src/lab/) and the tests run: Orthanc with its
# DICOMweb plugin, DCMTK (dcmqrscp, storescp, wlmscpfs and the tools that load
# and check them), vsftpd, Samba (with smbclient), rsync (the lab's rsync
# daemon), curl and nmap (the owner's proof commands,
# test/integration/proof.test.ts; nmap is the benchmark reference too),
# Chromium (report rendering tests), openssl (the lab's self-signed DICOM TLS
# certificate), busybox (the lab's plain, non-PACS web server),
# PostgreSQL (the tests' throwaway clusters, src/lab/postgres.ts), and a C
# compiler for the bind shim when `cc` is missing, and nfs-ganesha (its VFS
# backend) with rpcbind: the lab's NFS server (src/lab/nfs-ganesha.ts), plus
# nfs-common's showmount for the owner's proof commands.
# Idempotent: installs only packages dpkg reports missing, runs `apt-get update`
# once and only if something is missing. Debian 12 package names.
#
# It starts no service. Debian's orthanc postinst asks invoke-rc.d to start the
# orthanc service; a temporary /usr/sbin/policy-rc.d answering 101 ("action
# forbidden", the standard Debian switch used by container images) makes it
# skip that. Should a service start anyway, it is stopped again here, so nothing
# keeps listening on Orthanc's default ports 4242/8042, where the lab puts its own.
# Debian's postgresql postinst creates a default cluster (15/main, port 5432)
# and asks invoke-rc.d to start it: the same guard keeps it down, and a cluster
# that runs anyway is stopped. nfs-ganesha and rpcbind would listen on 2049
# and 111 of every address: the same guard, and the same stop. The tests never use it: they start their own
# clusters with initdb and postgres from /usr/lib/postgresql/<major>/bin.
set -euo pipefail

if [[ ${EUID} -ne 0 ]]; then
  echo "install-lab-deps: run as root (or with sudo): it installs Debian packages" >&2
  exit 1
fi

packages=(orthanc orthanc-dicomweb dcmtk vsftpd samba smbclient rsync curl nmap chromium openssl busybox postgresql nfs-ganesha nfs-ganesha-vfs rpcbind nfs-common)
if ! command -v cc >/dev/null 2>&1; then
  packages+=(gcc libc6-dev)
fi

missing=()
for p in "${packages[@]}"; do
  # `dpkg -s` also knows removed-but-configured packages: require "install ok installed".
  if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$'; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-lab-deps: all present (${packages[*]})"
  exit 0
fi

echo "install-lab-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
if [[ ! -e ${policy} ]]; then
  printf '#!/bin/sh\n# Temporary, from install-lab-deps.sh: no service starts during this install.\nexit 101\n' >"${policy}"
  chmod 755 "${policy}"
  trap 'rm -f "${policy}"' EXIT
fi
apt-get update -qq
apt-get install -y -qq "${missing[@]}"

# Stop any packaged service whose postinst managed to start it: the lab runs its own instances.
for service in orthanc smbd nmbd samba-ad-dc vsftpd rsync postgresql nfs-ganesha rpcbind rpcbind.socket; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "${service}" 2>/dev/null; then
    echo "install-lab-deps: the ${service} service was started by its package; stopping and disabling it"
    systemctl stop "${service}" || true
    systemctl disable "${service}" >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/${service} ]] && /etc/init.d/"${service}" status >/dev/null 2>&1; then
    echo "install-lab-deps: the ${service} service was started by its package; stopping it"
    /etc/init.d/"${service}" stop || true
  fi
done

# A packaged PostgreSQL cluster started outside the service (pg_ctlcluster, or
# a systemd postgresql@VERSION-NAME unit the loop above does not name).
if command -v pg_lsclusters >/dev/null 2>&1; then
  while read -r version name _port status _rest; do
    if [[ ${status} == online* ]]; then
      echo "install-lab-deps: the PostgreSQL cluster ${version}/${name} was started by its package; stopping it"
      pg_ctlcluster "${version}" "${name}" stop || true
    fi
  done < <(pg_lsclusters --no-header 2>/dev/null || true)
fi

# Report (never kill) anything still on Orthanc's, PostgreSQL's, the portmapper's or NFS's default ports.
if command -v ss >/dev/null 2>&1; then
  busy=$(ss -Hltn '( sport = :4242 or sport = :8042 or sport = :5432 or sport = :111 or sport = :2049 )' || true)
  if [[ -n ${busy} ]]; then
    echo "install-lab-deps: warning: something listens on 4242/8042/5432/111/2049:" >&2
    echo "${busy}" >&2
  fi
fi
echo "install-lab-deps: done"
