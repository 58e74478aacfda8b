/**
 * Validation of core Kubernetes objects with the `kubernetes-models` classes (the upstream
 * OpenAPI schemas, precompiled), e.g. `new Deployment(obj).validate()`, which throws an ajv
 * `ValidationError` whose `errors` are ajv error objects.
 */
import type { ErrorObject } from 'ajv';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { formatSchemaErrors } from './errors';

interface CoreModel {
  new (data: any): { validate(): void };
}

interface CoreKind {
  model: CoreModel;
  namespaced: boolean;
}

/** `apiVersion/kind` -> model class and scope. */
const CORE_KINDS: Record<string, CoreKind> = {
  'v1/Namespace': { model: Namespace, namespaced: false },
  'v1/Service': { model: Service, namespaced: true },
  'v1/ServiceAccount': { model: ServiceAccount, namespaced: true },
  'v1/ConfigMap': { model: ConfigMap, namespaced: true },
  'v1/Secret': { model: Secret, namespaced: true },
  'v1/PersistentVolumeClaim': {
    model: PersistentVolumeClaim,
    namespaced: true,
  },
  'apps/v1/Deployment': { model: Deployment, namespaced: true },
  'apps/v1/DaemonSet': { model: DaemonSet, namespaced: true },
  'apps/v1/StatefulSet': { model: StatefulSet, namespaced: true },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    namespaced: true,
  },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    model: ClusterRole,
    namespaced: false,
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    model: ClusterRoleBinding,
    namespaced: false,
  },
  'rbac.authorization.k8s.io/v1/Role': { model: Role, namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    model: RoleBinding,
    namespaced: true,
  },
};

export function coreKind(
  apiVersion: string,
  kind: string,
): CoreKind | undefined {
  return CORE_KINDS[`${apiVersion}/${kind}`];
}

/** Field-path error lines; empty when valid. */
export function validateCoreObject(
  spec: CoreKind,
  obj: Record<string, any>,
): string[] {
  try {
    // The model copies the data; validate() checks it against the upstream schema.
    const { model: Model } = spec;
    new Model(obj).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (Array.isArray(errors)) return formatSchemaErrors(errors);
    return [`(root): ${(e as Error).message}`];
  }
}
