// Webhook URLs may carry credentials (https://user:pass@host/...) or tokens in the query string;
// logs get only the origin and path.
export function logSafeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return '(unparseable url)';
  }
}
