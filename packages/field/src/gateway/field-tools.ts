import { FIELD_OUTPUT, type FieldAnswer, type FieldToolName } from '@ecm/gateway/field-schemas';
import { z } from 'zod';
import { callTool, type ToolClient } from './field-gateway.js';

const schemas = new Map<FieldToolName, z.ZodType>();
const schemaOf = <N extends FieldToolName>(name: N) => {
  let schema = schemas.get(name);
  if (!schema) schemas.set(name, (schema = z.object(FIELD_OUTPUT[name])));
  return schema as z.ZodType<FieldAnswer<N>>;
};

/** One of the gateway's field tools, its answer parsed with the shape the gateway declares. */
export function callField<N extends FieldToolName>(
  client: ToolClient,
  name: N,
  args: Record<string, unknown> = {},
): Promise<FieldAnswer<N>> {
  return callTool(client, name, args, schemaOf(name));
}
