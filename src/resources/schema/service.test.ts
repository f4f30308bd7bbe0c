import { describe, expect, it } from "vitest";
import { jsonSchemaFor } from "../json-schema.js";
import { lookupKind } from "../kinds.js";
import { loadResources } from "../load.js";
import type { ResourceProblem } from "../resource-problem.js";

interface ObjectSchema {
  required?: string[];
  properties: Record<string, ObjectSchema & { default?: unknown; description?: string; propertyNames?: unknown }>;
  additionalProperties?: boolean;
}

/** A Service document whose spec body starts on line 5. */
function serviceYaml(spec: string, name = "web"): string {
  return `apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: ${name}
spec:
${spec}`;
}

function problemsOf(text: string): ResourceProblem[] {
  const result = loadResources(text, "web.yaml");
  if (result.ok) throw new Error("expected problems, got none");
  return result.errors;
}

const ARTIFACT = "  artifact: localhost:7000/team/web:1.2.0\n  command: [bin/web]\n";
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("Service", () => {
  it("applies defaults to a minimal artifact service", () => {
    const result = loadResources(serviceYaml(ARTIFACT), "web.yaml");

    expect(result).toEqual({
      ok: true,
      resources: [
        {
          apiVersion: "ferry/v1alpha1",
          kind: "Service",
          metadata: { name: "web" },
          spec: {
            artifact: "localhost:7000/team/web:1.2.0",
            command: ["bin/web"],
            args: [],
            env: {},
            replicas: 1,
            ports: [],
            dependsOn: [],
            stopSignal: "SIGTERM",
            gracePeriod: "10s",
            restartPolicy: "Always",
          },
        },
      ],
    });
  });

  it("keeps every field that is written and fills defaults of ports and health", () => {
    const result = loadResources(
      serviceYaml(
        `  image: docker.io/library/nginx:1.27
  args: [-g, "daemon off;"]
  env: { LOG_LEVEL: debug, _X: "" }
  replicas: 2
  ports:
    - { name: web, port: 8080, containerPort: 80 }
    - { port: 9090, protocol: tcp }
  health:
    http: { path: /healthz, port: web }
    failureThreshold: 5
  dependsOn: [api, db]
  stopSignal: SIGQUIT
  gracePeriod: 30s
  restartPolicy: OnFailure
`,
        "front",
      ),
      "web.yaml",
    );

    expect(result.ok && result.resources[0]?.spec).toEqual({
      image: "docker.io/library/nginx:1.27",
      args: ["-g", "daemon off;"],
      env: { LOG_LEVEL: "debug", _X: "" },
      replicas: 2,
      ports: [
        { name: "web", port: 8080, protocol: "http", containerPort: 80 },
        { port: 9090, protocol: "tcp" },
      ],
      health: {
        http: { path: "/healthz", port: "web" },
        period: "2s",
        timeout: "1s",
        successThreshold: 1,
        failureThreshold: 5,
        initialDelay: "0s",
      },
      dependsOn: ["api", "db"],
      stopSignal: "SIGQUIT",
      gracePeriod: "30s",
      restartPolicy: "OnFailure",
    });
  });

  it.each([
    ["an artifact by digest", `  artifact: registry.example.com/team/web@${DIGEST}\n  command: [./web]\n`],
    ["an artifact by tag and digest", `  artifact: localhost:7000/web:1.0@${DIGEST}\n  command: [./web]\n`],
    ["an artifact on an IPv6 registry", "  artifact: '[::1]:7000/web:1.0'\n  command: [./web]\n"],
    ["a short image name", "  image: redis\n"],
    ["an image with a command", "  image: busybox:1.36\n  command: [httpd, -f]\n"],
    ["no replicas", `${ARTIFACT}  replicas: 0\n`],
    ["a tcp probe on the first port", `${ARTIFACT}  ports: [{ port: 5432, protocol: tcp }]\n  health: { tcp: {} }\n`],
    ["an exec probe without ports", `${ARTIFACT}  health: { exec: { command: [pg_isready] } }\n`],
    ["a probe port by number", `${ARTIFACT}  ports: [{ port: 80 }, { port: 81 }]\n  health: { http: { path: /, port: 81 } }\n`],
    ["PORT in env without ports", `${ARTIFACT}  env: { PORT: "3000" }\n`],
  ])("accepts %s", (_name, spec) => {
    const result = loadResources(serviceYaml(spec), "web.yaml");
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  });

  it.each<[string, string, number, number, string, string]>([
    ["neither artifact nor image", "  replicas: 1\n", 5, 1, "spec", "must set artifact (with command) or image"],
    ["both artifact and image", `${ARTIFACT}  image: nginx\n`, 8, 10, "spec.image", "must not be set together with artifact"],
    ["artifact without command", "  artifact: localhost:7000/web:1.0\n", 5, 1, "spec.command", "is required with artifact"],
    ["artifact without host", "  artifact: team/web:1.0\n  command: [web]\n", 6, 13, "spec.artifact", "must start with the registry host"],
    ["artifact without version", "  artifact: localhost:7000/web\n  command: [web]\n", 6, 13, "spec.artifact", "must name a version"],
    ["artifact with capitals", "  artifact: localhost:7000/Web:1\n  command: [web]\n", 6, 13, "spec.artifact", "is not a repository name"],
    ["artifact with a short digest", "  artifact: localhost:7000/web@sha256:abc\n  command: [web]\n", 6, 13, "spec.artifact", "not a sha256 digest"],
    ["image an option", "  image: --privileged\n", 6, 10, "spec.image", "is not a repository name"],
    ["command empty", "  artifact: localhost:7000/web:1\n  command: []\n", 7, 3, "spec.command", "must name a program"],
    ["command a string", "  artifact: localhost:7000/web:1\n  command: bin/web --port 80\n", 7, 12, "spec.command", "expected a list"],
    ["command starting empty", "  artifact: localhost:7000/web:1\n  command: ['', x]\n", 7, 3, "spec.command", "first item is empty"],
    ["env with a bad name", `${ARTIFACT}  env: { LOG-LEVEL: debug }\n`, 8, 21, "spec.env.LOG-LEVEL", "must be an environment variable name"],
    ["env with a number", `${ARTIFACT}  env: { WORKERS: 4 }\n`, 8, 19, "spec.env.WORKERS", "expected a string, got number 4"],
    ["env setting PORT", `${ARTIFACT}  ports: [{ port: 80 }]\n  env: { PORT: "1" }\n`, 9, 16, "spec.env.PORT", "is set by Ferry"],
    ["replicas negative", `${ARTIFACT}  replicas: -1\n`, 8, 13, "spec.replicas", "whole number from 0 to 1000"],
    ["replicas fractional", `${ARTIFACT}  replicas: 1.5\n`, 8, 13, "spec.replicas", "whole number from 0 to 1000"],
    ["port out of range", `${ARTIFACT}  ports: [{ port: 70000 }]\n`, 8, 19, "spec.ports[0].port", "from 1 to 65535"],
    ["port missing", `${ARTIFACT}  ports: [{ name: web }]\n`, 8, 11, "spec.ports[0].port", "is required"],
    ["port protocol", `${ARTIFACT}  ports: [{ port: 80, protocol: udp }]\n`, 8, 33, "spec.ports[0].protocol", 'one of "http", "tcp"'],
    ["port used twice", `${ARTIFACT}  ports: [{ port: 80 }, { port: 80 }]\n`, 8, 33, "spec.ports[1].port", "duplicate port"],
    ["port name used twice", `${ARTIFACT}  ports: [{ name: a, port: 80 }, { name: a, port: 81 }]\n`, 8, 42, "spec.ports[1].name", "duplicate port name"],
    ["containerPort with artifact", `${ARTIFACT}  ports: [{ port: 80, containerPort: 8080 }]\n`, 8, 38, "spec.ports[0].containerPort", "applies to an image only"],
    ["health without a probe", `${ARTIFACT}  health: { period: 5s }\n`, 8, 3, "spec.health", "must set one probe"],
    ["health with two probes", `${ARTIFACT}  ports: [{ port: 80 }]\n  health: { exec: { command: [x] }, tcp: {} }\n`, 9, 13, "spec.health.exec", "must not be set together with tcp"],
    ["http probe without ports", `${ARTIFACT}  health: { http: { path: / } }\n`, 8, 13, "spec.health.http", "needs a port"],
    ["http probe on an unknown port", `${ARTIFACT}  ports: [{ port: 80 }]\n  health: { http: { path: /, port: admin } }\n`, 9, 36, "spec.health.http.port", "port in spec.ports"],
    ["http probe path", `${ARTIFACT}  ports: [{ port: 80 }]\n  health: { http: { path: healthz } }\n`, 9, 27, "spec.health.http.path", 'starting with "/"'],
    ["health period", `${ARTIFACT}  health: { exec: { command: [x] }, period: 1ms }\n`, 8, 45, "spec.health.period", "at least 100ms"],
    ["health threshold", `${ARTIFACT}  health: { exec: { command: [x] }, failureThreshold: 0 }\n`, 8, 55, "spec.health.failureThreshold", "from 1 to 100"],
    ["dependsOn twice", `${ARTIFACT}  dependsOn: [db, db]\n`, 8, 3, "spec.dependsOn", "twice"],
    ["dependsOn itself", `${ARTIFACT}  dependsOn: [web]\n`, 8, 15, "spec.dependsOn[0]", "cannot depend on itself"],
    ["stopSignal unknown", `${ARTIFACT}  stopSignal: TERM\n`, 8, 15, "spec.stopSignal", 'one of "SIGTERM"'],
    ["gracePeriod too long", `${ARTIFACT}  gracePeriod: 2h\n`, 8, 16, "spec.gracePeriod", "at most 1h"],
    ["restartPolicy", `${ARTIFACT}  restartPolicy: always\n`, 8, 18, "spec.restartPolicy", 'one of "Always", "OnFailure", "Never"'],
    ["unknown field", `${ARTIFACT}  replica: 2\n`, 8, 3, "spec.replica", "unknown field"],
  ])("%s", (_name, spec, line, column, path, message) => {
    const problems = problemsOf(serviceYaml(spec));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "web.yaml", line, column, path });
    expect(problems[0]?.message).toContain(message);
  });

  it("reports every problem at once, in file order, cross-field checks included", () => {
    const problems = problemsOf(
      serviceYaml(`  artifact: web:1
  replicas: many
  ports: [{ port: 0 }]
  env: { PORT: "1" }
  stopSignal: KILL
`),
    );

    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [5, "spec.command"],
      [6, "spec.artifact"],
      [7, "spec.replicas"],
      [8, "spec.ports[0].port"],
      [9, "spec.env.PORT"],
      [10, "spec.stopSignal"],
    ]);
  });
});

describe("Service kind", () => {
  it.each(["Service", "services", "svc", "SVC"])("is found as %j", (alias) => {
    expect(lookupKind(alias)?.kind).toBe("Service");
  });

  it("publishes a JSON Schema in which only the envelope is required and defaults are shown", () => {
    const schema = jsonSchemaFor("svc") as unknown as ObjectSchema;
    const spec = schema.properties.spec;

    expect(schema.required).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(spec?.required).toBeUndefined();
    expect(spec?.additionalProperties).toBe(false);
    expect(spec?.properties.replicas).toMatchObject({ type: "integer", minimum: 0, default: 1 });
    expect(spec?.properties.restartPolicy).toMatchObject({ enum: ["Always", "OnFailure", "Never"], default: "Always" });
    expect(spec?.properties.env?.propertyNames).toMatchObject({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" });
    expect(spec?.properties.health?.properties.period?.default).toBe("2s");
    for (const [field, property] of Object.entries(spec?.properties ?? {})) expect(property.description, field).toBeTruthy();
  });
});
