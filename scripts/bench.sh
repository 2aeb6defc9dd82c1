#!/usr/bin/env bash
# Runs the benchmarks and writes their figures, with the command, date, machine
# and git revision, to BENCHMARKS.md: the codec (criterion), then the VTN under
# ven-sim.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo bench -p openadr --bench codec -- --warm-up-time 1 --measurement-time 5 >/dev/null

# Read before BENCHMARKS.md is rewritten, which would count as a change.
revision="$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh); do not edit by hand."
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- revision: $revision"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "- rustc: $(rustc --version)"
  echo
  echo "## openadr codec (criterion, \`cargo bench -p openadr --bench codec\`)"
  echo
  echo "| benchmark | median | 95% interval | target |"
  echo "|---|---|---|---|"
  for dir in "$target"/criterion/*/new; do
    name=$(basename "$(dirname "$dir")" | sed 's/_/\//')
    python3 - "$dir/estimates.json" "$name" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["median"]
targets = {"oadrPoll/parse": "< 3 µs", "oadrDistributeEvent-24h/write": "< 30 µs", "oadrUpdateReport-96x2/parse": "< 150 µs"}
def fmt(ns):
    return f"{ns/1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
ci = e["confidence_interval"]
print(f"| {sys.argv[2]} | {fmt(e['point_estimate'])} | {fmt(ci['lower_bound'])} – {fmt(ci['upper_bound'])} | {targets.get(sys.argv[2], '')} |")
PY
  done
} > BENCHMARKS.md

# 2. This VTN (release build, SQLite) under ven-sim, over mTLS.
cargo build --release -p server -p ven-sim 2>/dev/null
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="sqlite://$work/vtn.db?mode=rwc"
start_vtn() {
  VTN_LISTEN="127.0.0.1:$port" VTN_DATABASE_URL="$db" VTN_DEV_PKI_DIR="$work/pki" VTN_ADMIN_PASSWORD=benchmark-password \
    VTN_LOG=warn "$target/release/vtn" >>"$work/vtn.log" 2>&1 &
  vtn=$!
  for _ in $(seq 300); do curl -skf "https://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
}
start_vtn
# The VTN's log outlives the run, for when it fails.
trap 'kill $vtn 2>/dev/null; cp "$work/vtn.log" "$target/bench-vtn.log"; rm -rf "$work"' EXIT
cpu() {
  [ -e "/proc/$vtn/stat" ] || { echo "the VTN (pid $vtn) has exited; its log is in $target/bench-vtn.log" >&2; exit 1; }
  awk '{print $14 + $15}' "/proc/$vtn/stat"
}
ticks=$(getconf CLK_TCK)
sim() { # name, ven-sim arguments…
  local name=$1; shift
  local before; before=$(cpu)
  "$target/release/ven-sim" --vtn "localhost:$port" --pki "$work/pki" --database-url "$db" --prefix "$name" "$@" \
    | tail -n 1 >"$work/$name.json"
  echo $(( $(cpu) - before )) >"$work/$name.cpu"
}
sim closed1000 --vens 1000 --duration 20s --update-every 5
sim handshakes --vens 200 --duration 10s --update-every 0 --no-keep-alive
sim idle1000 --vens 1000 --duration 20s --update-every 0
sim closed10000 --vens 10000 --duration 20s --update-every 5
# Report ingest: every poll followed by an oadrUpdateReport of 96 one-minute
# intervals (two points each) from the VEN's history; counted in the database.
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from ' + sys.argv[2]).fetchone()[0])" "$work/vtn.db" "$1"; }
readings_before=$(count readings)
sim ingest --vens 200 --duration 15s --update-every 1 --report-intervals 96
echo $(( $(count readings) - readings_before )) >"$work/ingest.readings"
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$vtn/status")
sites=$(count sites)

# 4. The open loop: the VTN restarted with 100,000 more sites, registered
# beforehand (inserted directly, each with its own URL token, listed in
# fleet.csv), all of them polling every 60 s for three minutes. They carry
# their identity in the URL, so they share 500 keep-alive connections (one
# socket per VEN would need 100,000 file descriptors and ports on each side).
kill $vtn; wait $vtn || true
python3 - "$work/vtn.db" 100000 "$work/fleet.csv" <<'PY'
import sqlite3, sys, datetime, hashlib, secrets
db = sqlite3.connect(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc).isoformat()
fleet = []
for n in range(int(sys.argv[2])):
    token = secrets.token_hex(24)
    fleet.append((f"fleet site {n}", f"fleet-{n}", f"ven-fleet{n:020x}", hashlib.sha256(token.encode()).hexdigest(),
                  f"reg-fleet{n:020x}", now, now, now, token))
db.executemany(
    "insert into sites (name, ven_name, ven_id, token_hash, registration_id, profile_name, transport_name,"
    " http_pull_model, report_only, xml_signature, registered_at, last_contact, send_poll_freq, created_at)"
    " values (?, ?, ?, ?, ?, '2.0b', 'simpleHttp', 1, 0, 0, ?, ?, 1, ?)", (f[:-1] for f in fleet))
db.commit()
with open(sys.argv[3], "w") as out:
    out.write("# ven_name,ven_id,token\n")
    out.writelines(f"{f[1]},{f[2]},{f[8]}\n" for f in fleet)
PY
start_vtn
sim open --fleet "$work/fleet.csv" --poll-interval 60s --duration 3m --update-every 0 --connections 500
fleet_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$vtn/status")
fleet_hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$vtn/status")
fleet_sites=$(count sites)

# 3. The same load against the openleadr VTN (plain HTTP), in the same run.
ol_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.tools/venv/bin/python end2end/bench/openleadr_vtn.py "$ol_port" >"$work/openleadr.log" 2>&1 &
ol=$!
trap 'kill $vtn $ol 2>/dev/null; cp "$work/vtn.log" "$target/bench-vtn.log"; rm -rf "$work"' EXIT
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$ol_port") 2>/dev/null && break; sleep 0.1; done
ol_before=$(awk '{print $14 + $15}' "/proc/$ol/stat")
"$target/release/ven-sim" --vtn "127.0.0.1:$ol_port" --plain --vens 1000 --duration 20s --update-every 5 | tail -n 1 >"$work/openleadr.json"
echo $(( $(awk '{print $14 + $15}' "/proc/$ol/stat") - ol_before )) >"$work/openleadr.cpu"
kill $ol
python3 - "$work" "$ticks" "$rss_kb" "$sites" "$fleet_rss_kb" "$fleet_hwm_kb" "$fleet_sites" >>BENCHMARKS.md <<'PY'
import json, sys
work, ticks = sys.argv[1], int(sys.argv[2])
rss_kb, sites, fleet_rss_kb, fleet_hwm_kb, fleet_sites = (int(a) for a in sys.argv[3:8])
def load(name):
    return json.load(open(f"{work}/{name}.json")), int(open(f"{work}/{name}.cpu").read()) / ticks
closed, closed_cpu = load("closed1000")
theirs, theirs_cpu = load("openleadr")
their_poll = next(m for m in theirs["messages"] if m["message"] == "oadrPoll")
their_requests = sum(m["count"] for m in theirs["messages"])
shakes, shakes_cpu = load("handshakes")
poll = next(m for m in closed["messages"] if m["message"] == "oadrPoll")
upd = next((m for m in closed["messages"] if m["message"] == "oadrUpdateReport"), {"per_second": 0})
requests = sum(m["count"] for m in closed["messages"])
idle, idle_cpu = load("idle1000")
idle_poll = next(m for m in idle["messages"] if m["message"] == "oadrPoll")
idle_requests = sum(m["count"] for m in idle["messages"])
big, _ = load("closed10000")
big_poll = next(m for m in big["messages"] if m["message"] == "oadrPoll")
ingest, ingest_cpu = load("ingest")
committed = int(open(f"{work}/ingest.readings").read())
ingest_updates = next((m for m in ingest["messages"] if m["message"] == "oadrUpdateReport"), {"per_second": 0})
open_loop, open_cpu = load("open")
open_poll = next(m for m in open_loop["messages"] if m["message"] == "oadrPoll")
def errors(run):
    # The count, and what they were when there were any.
    kinds = {}
    for m in run["messages"]:
        for kind, n in m["errors"].items():
            kinds[f"{m['message']}: {kind}"] = kinds.get(f"{m['message']}: {kind}", 0) + n
    detail = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    return f"{run['errors']} ({detail})" if detail else f"{run['errors']}"
print()
print("## VTN under ven-sim (release, SQLite, mTLS, keep-alive, closed loop)")
print()
print("`make bench` (scripts/bench.sh): `ven-sim --vens 1000 --duration 20s --update-every 5`, then")
print("`ven-sim --vens 200 --duration 10s --no-keep-alive`, then pure polls `--vens 1000 --duration 20s")
print("--update-every 0`, then `--vens 10000 --duration 20s --update-every 5`, then report ingest `--vens 200")
print("--duration 15s --update-every 1 --report-intervals 96` (readings counted in the database before and")
print("after); the same 1,000-VEN load against the openleadr VTN (`end2end/bench/openleadr_vtn.py`, PyPI")
print("openleadr, plain HTTP) with `ven-sim --plain`. Every VEN has its own certificate and connection here.")
print("Generator and server share the 2 cores, and the machine is shared with other work, so figures are")
print("noisy. Server CPU is the VTN process's user + system time over a whole ven-sim run, registrations")
print("included, divided by the requests.")
print()
print("| figure | value | target |")
print("|---|---|---|")
print(f"| oadrPoll throughput, 1,000 VENs | {poll['per_second']:.0f}/s (openleadr, plain HTTP: {their_poll['per_second']:.0f}/s; ratio {poll['per_second'] / their_poll['per_second']:.2f}) | ≥ 25× openleadr |")
print(f"| oadrPoll latency p50 / p95 / p99 | {poll['p50_us']/1000:.1f} / {poll['p95_us']/1000:.1f} / {poll['p99_us']/1000:.1f} ms | |")
print(f"| oadrUpdateReport (every 5 polls) | {upd['per_second']:.0f}/s | |")
print(f"| errors | {errors(closed)} | 0 |")
print(f"| server CPU per request (all types) | {closed_cpu / max(requests, 1) * 1e6:.0f} µs (openleadr: {theirs_cpu / max(their_requests, 1) * 1e6:.0f} µs) | |")
print(f"| oadrPoll throughput, pure polls, 1,000 VENs | {idle_poll['per_second']:.0f}/s (p50 {idle_poll['p50_us']/1000:.1f} ms) | |")
print(f"| server CPU per idle poll (pure polls) | {idle_cpu / max(idle_requests, 1) * 1e6:.0f} µs | ≤ 10 µs |")
print(f"| fresh registrations (query, create, reports) | {closed['registered'] / closed['registration_seconds']:.0f} VENs/s (openleadr: {theirs['registered'] / theirs['registration_seconds']:.0f}/s) | ≥ 10,000/s |")
print(f"| full TLS handshakes (no keep-alive, 200 VENs) | {shakes['handshakes'] / shakes['polling_seconds']:.0f}/s | ≥ 3,000/s |")
print(f"| oadrPoll throughput, 10,000 VENs | {big_poll['per_second']:.0f}/s (p50 / p99 {big_poll['p50_us']/1000:.1f} / {big_poll['p99_us']/1000:.1f} ms; {errors(big)} errors; {big.get('resent', 0)} requests resent after the VTN closed a connection idle for 30 s) | 0 errors |")
print(f"| report ingest, readings committed | {committed / ingest['polling_seconds']:.0f}/s ({ingest_updates['per_second']:.0f} oadrUpdateReport/s of 192 readings; {ingest['readings']} acknowledged) | ≥ 100,000/s |")
print(f"| server RSS with {sites:,} sites | {rss_kb / 1024:.0f} MiB | |")
print()
print("## Open loop: 100,000 registered VENs polling every 60 s")
print()
print("`ven-sim --fleet fleet.csv --poll-interval 60s --duration 3m --update-every 0 --connections 500`: the")
print("VTN restarted with 100,000 more sites, registered beforehand and inserted directly, each with its own")
print("URL token; each VEN polls at a random second of the minute and then every 60 s, with its own token.")
print()
print("| figure | value | target |")
print("|---|---|---|")
print(f"| polls answered | {open_poll['count']:,} in {open_loop['polling_seconds']:.0f} s ({open_poll['per_second']:.0f}/s), {errors(open_loop)} errors | 1,667/s, 0 |")
print(f"| oadrPoll latency p50 / p95 / p99 / max | {open_poll['p50_us']/1000:.1f} / {open_poll['p95_us']/1000:.1f} / {open_poll['p99_us']/1000:.1f} / {open_poll['max_us']/1000:.0f} ms | p99 < 50 ms |")
print(f"| server CPU | {open_cpu / open_loop['polling_seconds'] * 100:.0f} % of one core ({open_cpu / max(open_poll['count'], 1) * 1e6:.0f} µs per poll) | |")
print(f"| server RSS with {fleet_sites:,} sites, 100,000 polling | {fleet_rss_kb / 1024:.0f} MiB (peak {fleet_hwm_kb / 1024:.0f} MiB) | < 300 MiB for 100k sites |")
print()
print("What changed (issue 6): the VTN keeps its sites in memory (by certificate fingerprint and token) with")
print("whether each had anything pending at its last full check; every app::db write that could change either")
print("reports the site to a process-wide register, so an idle poll reads no database. Writes by other")
print("processes (the CLI, ven-sim provisioning) are seen through SQLite's PRAGMA data_version, read every")
print("second; until one happens what was read stays trusted (on PostgreSQL, 30 s). So that a fleet does")
print("not fall back to a query per poll when that trust ends, every site is read again in one pass (2,000")
print("rows a query, and one query for which sites may have something pending): every 15 s on PostgreSQL, on")
print("SQLite once another process has written. Last contact is written")
print("every 5 s, one UPDATE ... CASE per 500 sites. SQLite commits with synchronous=NORMAL in WAL mode: nothing committed is")
print("lost if the VTN process crashes; an OS crash or power loss can lose the commits since the last")
print("checkpoint (never corrupt the file), and VENs resend what was not acknowledged.")
print()
print("What limits each target now (perf, 2 cores shared with ven-sim):")
print()
print("- CPU per idle poll: no database work is left on the poll itself, and an idle poll is no longer")
print("  stored in the message log (it is counted, and shows as the site's last contact): storing every")
print("  poll cost more than answering it, and pushed the exchanges that matter out of each site's log.")
print("  The VTN uses mimalloc (glibc's malloc and free were about a fifth of its CPU), and a request no")
print("  longer copies the Leptos options or its site row. Back to back on this machine (1,000 VENs, 20 s,")
print("  VTN CPU per request including their registration): 68-75 µs before these changes, 59-62 µs with")
print("  mimalloc and without the copies, 46-48 µs without logging idle polls. The shared state is now one")
print("  reference count per request (cloning a dozen handles was about 4 % of the CPU) and the certificate")
print("  fingerprint is written once per connection (about 1 %). What is left is mostly the kernel (loopback")
print("  TCP, about a third of the VTN's CPU, the receiving side's softirq included), allocation, hyper,")
print("  rustls and the XML reader and writer; below 10 µs would need fewer syscalls per request than one")
print("  read and one write through tokio.")
print("- Closed-loop throughput: bound by oadrUpdateReport. Each report used to wait for a SELECT of its")
print("  report request on sea-orm's single SQLite connection, queued behind the readings and message-log")
print("  commits; the requests now come from memory (kept per site like the site rows, and dropped on any")
print("  write to them), which doubled the closed-loop rate here (back to back: 7-9k polls and 1.4-1.9k")
print("  reports/s became 16.8k and 3.35k). What is left per report is its share of a group commit: the")
print("  database thread's time is mostly writing the WAL (each report dirties an index page of its own) and")
print("  it competes for the 2 cores with the VTN's workers and the generator. An accepted report is now")
print("  logged at most once a minute per VEN, as an idle poll is only counted, and SQLite keeps a 64 MiB")
print("  page cache instead of 2 MiB (interleaved runs: 12-12.4k polls/s without it, 13.9-14.2k with).")
print("- Report ingest: readings are committed in groups (one writer takes every oadrUpdateReport that queued")
print("  while the previous transaction ran, 500 rows per INSERT), and each VEN is acknowledged only once its")
print("  readings are committed. Measured alone before and after, 30-39k became 44-55k readings/s at 12-15 µs")
print("  of VTN CPU per reading; the message log no longer stores up to 64 KB of every report (once a minute")
print("  per VEN), the report-request lookup no longer queries, and the XML reader now reads plain documents")
print("  in one pass of its own (quick-xml still reads, and judges, anything else), which took the 96x2 parse")
print("  from about 340 to 230-290 µs on the earlier machine, and then to 190 µs there (interleaved runs, 255")
print("  µs before) by checking text for control characters once, caching namespace prefix lookups, decoding")
print("  repeated children into vectors sized once and parsing durations without allocating. Now the writer")
print("  is the bottleneck: busy about 98 % of the time")
print("  (groups of about 95 reports, 185 ms each), while its database thread is on the CPU about 60 % of it")
print("  and the machine is a third idle. Building each report's INSERT parameters in its handler, and")
print("  INSERTs of up to 2,048 rows, did not change the rate in interleaved runs, so neither was kept; the")
print("  same run on tmpfs was about 20 % faster: the WAL and its checkpoints write about 100 MB/s (about 1 KB")
print("  per reading: the row and its two indexes, as whole pages, twice). SQLite now checkpoints every")
print("  10,000 WAL pages instead of 1,000, since a checkpoint writes each page once however many commits")
print("  changed it: 0.91 instead of 1.08 KB written per reading.")
print("- Fresh registrations: each needs a full mTLS handshake (see the handshake row, the ceiling on this")
print("  machine) and about fifteen round trips to the database, a transaction's BEGIN and COMMIT included")
print("  (twenty-two queries before report descriptions and requests became one INSERT each). perf shows SQLite itself at about 1 %: the cost is each query's round trip to sqlx's")
print("  SQLite thread (futex wake-ups and context switches, about half the VTN's CPU during registration).")
print("  10,000/s is out of reach on 2 cores with ECDSA client certificates whatever the database does.")
print("- RSS: the sites are read at start 2,000 at a time (reading 100,000 in one query left about 300 MiB")
print("  of peak allocations). Idle, the VTN takes about 20 MiB, plus about 0.9 KiB per site in the index (a")
print("  full site row and its keys), plus SQLite's page cache (up to 64 MiB); the rest is the polling")
print("  connections (TLS and HTTP buffers). After the 10,000-VEN run glibc's malloc kept 875 MiB of the")
print("  closed connections' buffers; mimalloc returns them (the RSS row, measured after that run). The")
print("  metrics recorder kept every request's latency sample until /metrics was scraped (about 38 MiB per")
print("  million requests, without bound when nobody scrapes); they are now folded into the histograms every")
print("  5 s (1,000 VENs polling, 2 million requests: 195 MiB before, 144 MiB after).")
print("- Sites with an event announced for later now poll idle until it falls due (not in this benchmark,")
print("  whose VENs get no events).")
print("- Open loop: before the data_version check every 60 s poll found its site older than the 30 s trust")
print("  and re-read it with the full pending check, queued on the one SQLite connection behind the contact")
print("  flush (one UPDATE per site): p99 was about 1 s. Then the p99 of 30-90 ms that remained came from the")
print("  minute after the VTN restarted: each site's first poll ran the full pending check (1,700 queries a")
print("  second, queued behind the contact flushes). Sites with nothing pending now start idle, from one")
print("  query for all of them at load: 2-minute runs interleaved gave p99 48 and 56 ms before, 3.7 and 2.0")
print("  ms after, and VTN CPU per poll 200 µs before, 106-123 µs after. What costs most besides the polls")
print("  is the contact flush: at 1,700 polls/s about 8,300 sites every 5 s, which dirties most pages of the")
print("  sites table, about 250 ms of database time per flush (WAL writes and checkpoints, not the UPDATE).")
print("- Open loop on PostgreSQL (not part of this script: the same 100,000-VEN fleet, 2-minute runs, PostgreSQL")
print("  on the same machine): polls re-read their site every 30 s, when what the index read stopped being")
print("  trusted, until every site was read again in one pass every 15 s (about 1 s for 100,000 sites). Before")
print("  and after: p99 231 and 11 ms; VTN CPU per poll 368 and 175 µs; PostgreSQL's CPU per poll 348 and 37 µs.")
print("- 10,000 VENs, closed loop: each has its own certificate and TLS connection, so RSS is mostly the")
print("  10,000 connections' TLS and HTTP buffers; p99 is seconds because the generator and the VTN share")
print("  2 cores for 10,000 connections. Registering 10,000 VENs takes longer than the VTN keeps an idle")
print("  connection (30 s), so the first VENs' connections are closed before they poll. The errors earlier")
print("  runs showed were that race: a request sent as the VTN closed (or reset) the connection. ven-sim now")
print("  sends such a request once more on a new connection, as HTTP clients do, and counts it (\"resent\").")
print("  Over TLS the VTN's close (without close_notify) can also read as an unexpected end of file, which")
print("  ven-sim counted as an I/O error until it resent those too (the 8 errors of the run at 45e514a).")
print("- Full handshakes (no keep-alive: a new TCP connection and TLS 1.3 handshake with the client's")
print("  certificate for every poll): perf shows the VTN's two worker threads and ven-sim's two each taking")
print("  about a quarter of the machine, so the generator costs as much as the server. Of the VTN's CPU,")
print("  about 650-750 µs per connection here, about 40 % is the kernel (a TCP connection set up and torn")
print("  down per request) and about 45 % ring's elliptic-curve and hash code: verifying the client's")
print("  certificate and its handshake signature (two ECDSA P-256 verifications), one signature and an X25519")
print("  exchange. Sessions are not resumed on purpose (a resumed session skips the client certificate check,")
print("  so a revoked VEN could return). The AES-128-GCM suites now come first whatever the client prefers:")
print("  their SHA-256 runs on the CPU's SHA extensions where the AES-256 suites' SHA-384 did not (4.4 % of the")
print("  VTN's handshake CPU before, 1 % after, by perf; below the run-to-run noise of the rate). With the")
print("  generator on another machine the VTN's own CPU would allow about 2,700-3,000 handshakes/s on these")
print("  2 cores; sharing them, it gets half.")
print("- oadrUpdateReport-96x2 parse (150 µs): the reader's tree of the document alone (tree-only) takes about")
print("  half of it; the rest is decoding 192 values, timestamps and durations into the typed model. Decoding")
print("  all of an element's fields in one pass over its children, word-at-a-time name scanning and inlining")
print("  hints were each tried and measured slower or no faster, so they were not kept.")
PY
cat BENCHMARKS.md
