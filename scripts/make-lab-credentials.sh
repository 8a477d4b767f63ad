#!/usr/bin/env bash
# Regenerates the lab's throwaway credentials under source/lab/assets/ (a test CA, the HTTPS leaf it signs,
# a stable SSH host key per demo VM) and the test-only user keys under test/fixtures/lab-users/. These are
# lab-only secrets, committed on purpose so the demo and tests are reproducible; nothing outside the lab
# trusts them. No user key is shipped: a running demo accepts only the credentials it generates per run.
set -euo pipefail
cd "$(dirname "$0")/../source/lab/assets"
mkdir -p tls hostkeys
openssl req -x509 -newkey rsa:2048 -nodes -days 7300 -subj "/CN=vmux lab CA" \
  -keyout tls/lab-ca.key -out tls/lab-ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout tls/lab-server.key -out /tmp/lab-server.csr 2>/dev/null
cat > /tmp/lab-ext.cnf <<'X'
subjectAltName=DNS:localhost,DNS:*.localhost,DNS:*.vault.localhost,DNS:*.bastion.localhost,IP:127.0.0.1,IP:::1
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
X
openssl x509 -req -in /tmp/lab-server.csr -CA tls/lab-ca.pem -CAkey tls/lab-ca.key -CAcreateserial \
  -days 7300 -extfile /tmp/lab-ext.cnf -out tls/lab-server.pem 2>/dev/null
rm -f tls/lab-ca.srl /tmp/lab-server.csr /tmp/lab-ext.cnf
for vm in web-01 web-02 db-01 app-01 dev-01 legacy-01 jump-01 ops-01 changed; do
  rm -f hostkeys/$vm hostkeys/$vm.pub
  ssh-keygen -q -t ed25519 -N '' -C "$vm lab host key" -f hostkeys/$vm
done
cd ../../../test/fixtures/lab-users
rm -f demo_*
ssh-keygen -q -t ed25519 -N '' -C 'demo user key' -f demo_ed25519
ssh-keygen -q -t ed25519 -N 'correct horse' -C 'demo user key (passphrase: correct horse)' -f demo_ed25519_encrypted
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C 'demo rsa key' -f demo_rsa
