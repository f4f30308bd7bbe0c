import { serviceSchema, type Service, type ServiceInput } from "../resources/index.js";

/** A valid Service for tests, defaults applied: an artifact service unless `spec` says otherwise. */
export function makeService(name: string, spec: Partial<ServiceInput["spec"]> = {}, metadata: Partial<ServiceInput["metadata"]> = {}): Service {
  const workload = spec.image === undefined ? { artifact: `localhost:7000/shop/${name}:1.0.0`, command: [`bin/${name}`] } : {};
  return serviceSchema.parse({
    apiVersion: "ferry/v1alpha1",
    kind: "Service",
    metadata: { name, ...metadata },
    spec: { ...workload, ...spec },
  });
}
