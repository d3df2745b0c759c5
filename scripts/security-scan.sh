#!/usr/bin/env bash
# `make scan`: wapiti against the app on 127.0.0.1 with a fresh demo database.
# Prints wapiti's findings per module; the full report is in instance/scan/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${SCAN_PORT:-5077}"
WORK="$(mktemp -d /tmp/campaign-scan.XXXXXX)"
REPORT_DIR="instance/scan"
mkdir -p "$REPORT_DIR"

export CAMPAIGN_DATABASE_URL="sqlite:///$WORK/scan.sqlite3"
export CAMPAIGN_SECRET_KEY="scan-only-secret-key"
export CAMPAIGN_BASE_URL="http://127.0.0.1:$PORT"
export CAMPAIGN_MAIL_DELIVERY=worker
export CAMPAIGN_REDIS_URL=""
# The scanner submits each form hundreds of times: let it through the limits it would
# otherwise hit after a few tries (the limits themselves are tested in tests/).
export CAMPAIGN_SIGN_RATE_LIMIT="100000 per minute"
export CAMPAIGN_LOGIN_RATE_LIMIT="100000 per minute"
# As in production behind a TLS-terminating proxy on this host (HSTS is sent over HTTPS only).
# The session cookie stays without Secure so that the scanner, speaking plain http, keeps its
# session and gets past the CSRF checks into the forms; tests/test_accounts.py proves Secure.
export CAMPAIGN_TRUSTED_PROXIES="127.0.0.1"

$BIN/campaign db upgrade >/dev/null
$BIN/campaign demo >/dev/null
$BIN/gunicorn --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --chdir "$PWD" \
  --pid "$WORK/gunicorn.pid" 'campaign:create_app()' >"$WORK/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

wapiti -u "http://127.0.0.1:$PORT/" --scope folder -H "X-Forwarded-Proto: https" \
  -m "csrf,http_headers,cookieflags,csp,xss,sql,crlf,redirect" \
  --flush-session --max-scan-time "${SCAN_MAX_SECONDS:-900}" \
  -f txt -o "$REPORT_DIR/wapiti.txt" >"$REPORT_DIR/wapiti.log" 2>&1 || {
    echo "wapiti failed; see $REPORT_DIR/wapiti.log"; tail -20 "$REPORT_DIR/wapiti.log"; exit 1; }

echo "== wapiti findings (full report: $REPORT_DIR/wapiti.txt)"
# The summary table of the text report: one line per category with its count.
sed -n '/^Summary of vulnerabilities/,/^\*\*\*/p' "$REPORT_DIR/wapiti.txt" | sed -n '1,40p'
sed -n '/^Summary of anomalies/,/^\*\*\*/p' "$REPORT_DIR/wapiti.txt"
echo "== the findings, one per line (explained in SECURITY.md)"
awk '/^Summary of additionals/{exit} /^-+$/ && prev!="" {title=prev} {prev=$0} \
     /^Evil request:/ {print "  " title ": " last} {if ($0 !~ /^Evil request:/ && $0 !~ /^ *$/) last=$0}' \
  "$REPORT_DIR/wapiti.txt" | sort | uniq
