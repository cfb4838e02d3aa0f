// Secrets never appear in output, artifacts, docs or errors. Every string that leaves the process
// through the CLI, run_results.json, alerts or docs passes through `redact`.

const secrets = new Set<string>();

/** Registers a secret value (a password, token, webhook URL) to be masked wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value);
}

const patterns: [RegExp, string][] = [
  // user:password@ in connection URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@\s/]+)(@)/gi, "$1***$3"],
  // Slack webhook paths
  [/(https:\/\/hooks\.slack\.com\/services\/)[A-Za-z0-9/_-]+/g, "$1***"],
  // AWS access key ids and secret keys in key=value form
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "$1****************"],
  [/((?:aws_secret_access_key|secretAccessKey|password|passwd|pwd)\s*[=:]\s*["']?)[^\s"',;]+/gi, "$1***"],
];

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("***");
  for (const [re, repl] of patterns) out = out.replace(re, repl);
  return out;
}
