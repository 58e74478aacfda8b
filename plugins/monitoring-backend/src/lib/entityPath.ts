import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import express from 'express';

/** The routes about one catalog entity start with this. */
export const ENTITY_PATH = '/entity/:kind/:namespace/:name';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/** The entity ref of an {@link ENTITY_PATH} route; 400 for a part that is no valid name. */
export function entityRefOf(req: express.Request): string {
  const { kind, namespace, name } = req.params;
  for (const [key, value] of Object.entries({ kind, namespace, name })) {
    if (!NAME.test(value))
      throw new InputError(`${key} is not a valid entity ${key}`);
  }
  return stringifyEntityRef({ kind, namespace, name });
}
