/** Small zod helpers shared by the builders' input schemas. */
import { z } from 'zod/v3';

type Z = typeof z;

/** An optional text field; '' (an empty form field rendered by the template) means absent. */
export const optional = <T extends z.ZodTypeAny>(zi: Z, schema: T) =>
  zi.union([zi.literal(''), schema]).optional();
