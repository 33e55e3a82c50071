import { z } from 'zod';

/** Where traces go: the OTLP/HTTP endpoint for spans and the headers every export carries. */
export interface OtlpSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
}

// OTLP/HTTP only: a bare host:port (the gRPC habit) parses as a URL with an odd scheme, so the scheme is checked.
const url = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u));

/**
 * The standard OpenTelemetry variables, read once: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`), `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, values
 * URL-encoded, as the specification says) and `OTEL_SERVICE_NAME`. Null when no endpoint is set:
 * tracing is then off and the SDK is never loaded.
 */
export function otlpSettings(env: NodeJS.ProcessEnv, defaultServiceName: string): OtlpSettings | null {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!traces && !base) return null;
  const target = traces || `${base!.replace(/\/+$/, '')}/v1/traces`;
  const checked = url.safeParse(target);
  if (!checked.success)
    throw new Error(`${traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'}: not an http(s) URL: ${target}`);
  return {
    url: target,
    headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS?.trim() || env.OTEL_EXPORTER_OTLP_HEADERS || ''),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultServiceName,
  };
}

export function parseOtlpHeaders(value: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}
