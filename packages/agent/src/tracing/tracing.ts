import { randomBytes } from 'node:crypto';
import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { otlpSettings } from './otlp-settings.js';
import { errorText } from '@ecm/core/text';

export { SpanKind, type Attributes, type Span } from '@opentelemetry/api';

const TRACER_NAME = 'ecm';
let propagation: AsyncLocalStorageContextManager | null = null;

/**
 * Spans nest across awaits only with a context manager. It is registered even when nothing is
 * exported, so that every execution of a run still shares the run's trace id in the log.
 */
export function ensureContextPropagation(): void {
  if (propagation) return;
  propagation = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(propagation)) propagation.disable(); // someone registered one first: use theirs
}

export interface Tracing {
  /** True when spans are exported (an OTLP endpoint is set). */
  readonly exporting: boolean;
  readonly url: string | null;
  /** Sends the spans still buffered and stops; a batch process awaits this before it exits. */
  shutdown(): Promise<void>;
}

let running: Tracing | null = null;
const OFF: Tracing = { exporting: false, url: null, shutdown: async () => undefined };

/**
 * Starts tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is set:
 * the SDK and the OTLP/HTTP exporter are imported only then, so a run without tracing loads neither.
 * One provider per process; calling again returns the running one.
 */
export async function startTracing(options: { readonly serviceName: string; readonly env?: NodeJS.ProcessEnv }): Promise<Tracing> {
  ensureContextPropagation();
  if (running) return running;
  const settings = otlpSettings(options.env ?? process.env, options.serviceName);
  if (!settings) return OFF;
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url, headers: { ...settings.headers }, timeoutMillis: 5000 })),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  const tracing: Tracing = {
    exporting: true,
    url: settings.url,
    async shutdown() {
      if (running === tracing) running = null;
      try {
        await provider.shutdown(); // flushes the batch; an unreachable collector costs at most the export timeout
      } finally {
        trace.disable();
      }
    },
  };
  running = tracing;
  return tracing;
}

const tracer = () => trace.getTracer(TRACER_NAME);

/**
 * Runs `fn` inside a new span (a child of the active one), ending it however `fn` ends: a thrown
 * error is recorded on the span and rethrown.
 */
export function inSpan<T>(
  name: string,
  options: { readonly kind?: SpanKind; readonly attributes?: Attributes; readonly root?: boolean },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  ensureContextPropagation();
  return tracer().startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.root ? { root: true } : {}),
    },
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * The root span of a batch run. Without an exporter the API hands out empty span contexts, so the
 * run gets a random trace id of its own: the log still groups a run's executions by trace id.
 */
export function inRunSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(name, { attributes, root: true }, (span) => {
    if (isSpanContextValid(span.spanContext())) return fn(span);
    const stand = trace.wrapSpanContext({ traceId: hex(16), spanId: hex(8), traceFlags: TraceFlags.NONE });
    return context.with(trace.setSpan(context.active(), stand), () => fn(stand));
  });
}

/** The active trace, for the execution log: the span id only when the span is really recorded. */
export function activeTraceIds(): { readonly traceId: string; readonly spanId: string | null } | null {
  const span = trace.getSpan(context.active());
  const sc = span?.spanContext();
  if (!span || !sc || !isSpanContextValid(sc)) return null;
  return { traceId: sc.traceId, spanId: span.isRecording() ? sc.spanId : null };
}

/** A fresh W3C trace id, for executions outside any trace. */
export const newTraceId = () => hex(16);

export function markError(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
