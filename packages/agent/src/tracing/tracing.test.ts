import { describe, expect, it } from 'vitest';
import { otlpSettings, parseOtlpHeaders } from './otlp-settings.js';
import { activeTraceIds, inRunSpan, inSpan, startTracing } from './tracing.js';

describe('OTLP settings from the standard variables', () => {
  it('is off without an endpoint, and appends /v1/traces to the base endpoint', () => {
    expect(otlpSettings({}, 'ecm-manager')).toBeNull();
    expect(otlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://cloud.langfuse.com/api/public/otel/' }, 'ecm-manager')).toEqual({
      url: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
      headers: {},
      serviceName: 'ecm-manager',
    });
  });

  it('prefers the traces endpoint and its headers, and the service name from the environment', () => {
    const s = otlpSettings(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=1',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'X-Scope-OrgID=ops',
        OTEL_SERVICE_NAME: 'ecm-nightly',
      },
      'ecm-manager',
    );
    expect(s).toEqual({ url: 'http://jaeger:4318/v1/traces', headers: { 'X-Scope-OrgID': 'ops' }, serviceName: 'ecm-nightly' });
  });

  it('decodes URL-encoded header values and names the bad variable', () => {
    expect(parseOtlpHeaders('Authorization=Basic%20cGs6c2s=, Comet-Workspace=ops ,broken,=x')).toEqual({
      Authorization: 'Basic cGs6c2s=',
      'Comet-Workspace': 'ops',
    });
    expect(() => otlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'tempo:4318' }, 'ecm')).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT: not an http(s) URL: tempo:4318/v1/traces',
    );
  });
});

describe('without an exporter', () => {
  it('a run still has one random trace id for all its executions, and no span ids', async () => {
    const tracing = await startTracing({ serviceName: 'ecm-manager', env: {} });
    expect(tracing.exporting).toBe(false);
    expect(activeTraceIds()).toBeNull();
    const seen = await inRunSpan('ecm-manager daily', {}, () =>
      Promise.all([inSpan('phase backlog', {}, async () => activeTraceIds()), inSpan('phase triage', {}, async () => activeTraceIds())]),
    );
    expect(seen[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[0]!.traceId).not.toBe('0'.repeat(32));
    expect(seen[1]!.traceId).toBe(seen[0]!.traceId);
    expect(seen.map((s) => s!.spanId)).toEqual([null, null]);
    const other = await inRunSpan('ecm-manager triage', {}, async () => activeTraceIds());
    expect(other!.traceId).not.toBe(seen[0]!.traceId);
    await tracing.shutdown();
  });
});
