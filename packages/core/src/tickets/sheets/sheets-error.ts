import { z } from 'zod';

/** A failed Sheets API request: HTTP status (null when no answer came back) and what Google said. */
export class SheetsApiError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
    /** From a Retry-After header, when the API sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SheetsApiError';
  }

  /** Worth another try: quota (429), server trouble (5xx), or no answer at all (connection reset, timeout). */
  get retryable(): boolean {
    return this.status === null || this.status === 429 || this.status === 408 || this.status >= 500;
  }
}

/** The sheet does not have the layout a write needs (a tab or a column is missing). */
export class SheetLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetLayoutError';
  }
}

interface HeaderLookup {
  get(name: string): string | null;
}

const isLookup = (v: unknown): v is HeaderLookup =>
  typeof v === 'object' && v !== null && typeof (v as { get?: unknown }).get === 'function';

// Response headers: a fetch Headers (possibly from another copy of fetch, so no instanceof) or a plain record.
const headerBag = z.union([
  z.custom<HeaderLookup>(isLookup),
  z.record(z.string(), z.union([z.string(), z.array(z.string()), z.number()]).optional()),
]);

/** What gaxios (the HTTP layer of @googleapis/sheets) throws: an error with the response attached when there was one. */
const gaxiosFailure = z.object({
  message: z.string(),
  status: z.number().optional(),
  response: z.object({ status: z.number(), headers: headerBag.optional(), data: z.unknown().optional() }).optional(),
});

/** How gaxios marks its errors across copies of the package. */
const GAXIOS_ERROR = Symbol.for('gaxios-gaxios-error');

const googleError = z.object({ error: z.object({ message: z.string().optional(), status: z.string().optional() }) });

function retryAfterMs(headers: z.infer<typeof headerBag> | undefined): number | null {
  const raw = headers === undefined ? undefined : isLookup(headers) ? headers.get('retry-after') : headers['retry-after'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text === null) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(String(text));
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Turns whatever the client threw into a SheetsApiError (or returns it unchanged when it is not an HTTP failure). */
export function toSheetsError(err: unknown, what: string): unknown {
  if (err instanceof SheetsApiError) return err;
  const parsed = gaxiosFailure.safeParse(err);
  if (!parsed.success) return err;
  const { response, message } = parsed.data;
  const status = response?.status ?? parsed.data.status ?? null;
  // Without a status only an HTTP-layer failure (reset, refused, timeout) counts; anything else is a bug, not the network.
  if (status === null && !(typeof err === 'object' && err !== null && GAXIOS_ERROR in err)) return err;
  const body = googleError.safeParse(response?.data);
  const detail = body.success ? (body.data.error.message ?? body.data.error.status ?? message) : message;
  return new SheetsApiError(status, `${what}: ${status ?? 'no answer'} ${detail}`.trim(), retryAfterMs(response?.headers));
}
