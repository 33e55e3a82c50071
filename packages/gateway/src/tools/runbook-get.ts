import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { READ_ONLY } from './tool-inputs.js';
import { ToolError } from './tool-error.js';

const runbookOutput = { name: z.string(), title: z.string(), path: z.string(), reasons: z.array(z.string()), content: z.string() };
/** runbook_get's structured result, for clients that parse it (ecm-field). */
export const runbookSchema = z.object(runbookOutput);

export const runbookGet = defineTool({
  name: 'runbook_get',
  title: 'Read one runbook',
  description:
    'Returns the full Markdown of one runbook, found by stuck reason (e.g. refund_pending, stuck_at_rda_partner_rfi_grtr_than_24_hrs) or by runbook name as runbooks_search lists it. An unknown name is an error that lists the known runbooks.',
  input: { name: z.string().min(1).max(200).describe('A stuck reason or a runbook name') },
  output: runbookOutput,
  annotations: READ_ONLY,
  usesStores: false,
  async run(ctx, args) {
    const runbook = ctx.runbooks.get(args.name);
    if (!runbook) {
      throw new ToolError(
        `No runbook or stuck reason is named "${args.name}"; known runbooks: ${ctx.runbooks
          .list()
          .map((r) => r.name)
          .join(', ')}.`,
      );
    }
    return {
      structured: { name: runbook.name, title: runbook.title, path: runbook.path, reasons: [...runbook.reasons], content: runbook.content },
      text: runbook.content,
    };
  },
});
