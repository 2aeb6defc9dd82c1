#!/usr/bin/env bash
# The gateway test: Debian's nginx, with the shipped deploy/nginx config,
# terminates TLS 1.2 with the OpenADR 2.0b suite ECDHE-ECDSA-AES128-SHA256 and
# forwards the VEN's certificate to the VTN's plain listener; the VEN's
# identity must arrive intact, and a forged header from elsewhere is refused.
# Usage: end2end/gateway/run.sh <path to the vtn binary>
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
https_port=$(free_port); http_port=$(free_port); tls_port=$(free_port)
pki="$work/pki"

VTN_LISTEN="127.0.0.1:$https_port" VTN_HTTP_LISTEN="127.0.0.1:$http_port" VTN_GATEWAY_TRUSTED=127.0.0.1 \
  VTN_DATABASE_URL="sqlite://$work/vtn.db?mode=rwc" VTN_DEV_PKI_DIR="$pki" VTN_ADMIN_PASSWORD=gateway-test-password \
  "$bin" >"$work/vtn.log" 2>&1 &
vtn=$!
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  kill "$vtn" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 200); do
  curl -skf "https://127.0.0.1:$https_port/healthz" >/dev/null && break
  sleep 0.1
done

# The shipped server block, with this test's ports and files.
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$tls_port ssl;|" \
    -e "s|/etc/openadr-vtn/server-ecdsa.pem|$pki/server.pem|" \
    -e "s|/etc/openadr-vtn/server-ecdsa.key|$pki/server.key|" \
    -e "s|/etc/openadr-vtn/ven-ca.pem|$pki/ven-ca.pem|" \
    -e "s|http://127.0.0.1:8080|http://127.0.0.1:$http_port|" \
    "$root/deploy/nginx/openadr-vtn.conf" >"$work/openadr-vtn.conf"
cat >"$work/nginx.conf" <<CONF
daemon off;
user root;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/tmp-body;
  proxy_temp_path $work/tmp-proxy;
  fastcgi_temp_path $work/tmp-fastcgi;
  uwsgi_temp_path $work/tmp-uwsgi;
  scgi_temp_path $work/tmp-scgi;
  include $work/openadr-vtn.conf;
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 100); do
  (echo >"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && break
  sleep 0.1
done

fail() { echo "gateway test FAILED: $*" >&2; echo "--- vtn log"; cat "$work/vtn.log"; echo "--- nginx"; cat "$work/nginx-error.log" 2>/dev/null; exit 1; }

registration='<?xml version="1.0"?><oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject><oadr:oadrCreatePartyRegistration ei:schemaVersion="2.0b"><pyld:requestID>gw-1</pyld:requestID><oadr:oadrProfileName>2.0b</oadr:oadrProfileName><oadr:oadrTransportName>simpleHttp</oadr:oadrTransportName><oadr:oadrReportOnly>false</oadr:oadrReportOnly><oadr:oadrXmlSignature>false</oadr:oadrXmlSignature><oadr:oadrVenName>demo-ven</oadr:oadrVenName><oadr:oadrHttpPullModel>true</oadr:oadrHttpPullModel></oadr:oadrCreatePartyRegistration></oadr:oadrSignedObject></oadr:oadrPayload>'

# 1. A VEN limited to the spec's suite registers through nginx; the VTN knows it by its certificate.
answer=$(curl -sS --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA256 \
  --cacert "$pki/server-ca.pem" --cert "$pki/ven-demo.pem" --key "$pki/ven-demo.key" \
  --resolve "localhost:$tls_port:127.0.0.1" -H 'Content-Type: application/xml' --data "$registration" \
  "https://localhost:$tls_port/OpenADR2/Simple/2.0b/EiRegisterParty") || fail "the TLS 1.2 CBC-SHA256 handshake failed"
echo "$answer" | grep -q '<ei:responseCode>200</ei:responseCode>' || fail "registration through nginx: $answer"
echo "$answer" | grep -q '<ei:venID>ven-' || fail "no venID in: $answer"
echo "ok: registered through nginx with ECDHE-ECDSA-AES128-SHA256"

# 2. nginx offers nothing else: a TLS 1.3-only client cannot connect.
if curl -s --tlsv1.3 --cacert "$pki/server-ca.pem" --resolve "localhost:$tls_port:127.0.0.1" \
     "https://localhost:$tls_port/OpenADR2/Simple/2.0b/OadrPoll" >/dev/null; then
  fail "nginx accepted TLS 1.3"
fi
echo "ok: TLS 1.3 refused"

# 3. A forged certificate header sent straight to the plain listener from another address is refused.
cert=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read(), safe=""))' "$pki/ven-demo.pem")
forged=$(curl -sS --interface 127.0.0.2 -H "X-SSL-Client-Cert: $cert" -H 'X-SSL-Client-Verify: SUCCESS' \
  -H 'Content-Type: application/xml' --data "$registration" "http://127.0.0.1:$http_port/OpenADR2/Simple/2.0b/EiRegisterParty")
echo "$forged" | grep -q '<ei:responseCode>464</ei:responseCode>' || fail "a forged header was believed: $forged"
echo "ok: forged header from a non-gateway address refused"
