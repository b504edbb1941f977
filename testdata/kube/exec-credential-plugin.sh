#!/bin/sh
# A test exec credential plugin (as `aws eks get-token` would be): prints an ExecCredential
# whose token is "$TOKEN_PREFIX-<n>", n counting the calls in $COUNT_FILE, and saves the
# KUBERNETES_EXEC_INFO it was given to $COUNT_FILE.info. EXPIRES sets expirationTimestamp.
# With FAIL set it exits 1 with a message on stderr.
if [ -n "$FAIL" ]; then
  echo "could not get token: $FAIL" >&2
  exit 1
fi
n=0
[ -f "$COUNT_FILE" ] && n=$(cat "$COUNT_FILE")
n=$((n + 1))
echo "$n" > "$COUNT_FILE"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$COUNT_FILE.info"
api="${API_VERSION:-client.authentication.k8s.io/v1}"
if [ -n "$EXPIRES" ]; then
  printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s-%s","expirationTimestamp":"%s"}}\n' "$api" "$TOKEN_PREFIX" "$n" "$EXPIRES"
else
  printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s-%s"}}\n' "$api" "$TOKEN_PREFIX" "$n"
fi
