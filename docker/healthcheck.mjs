// The container health probe: GET HEALTHCHECK_URL (default: the API's /healthz on API_PORT) and
// exit 0 on a 2xx. In Node because the slim image has no curl or wget; plain .mjs so it starts
// in milliseconds without tsx.
const url = process.env.HEALTHCHECK_URL || `http://127.0.0.1:${process.env.API_PORT || 3000}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_500) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
