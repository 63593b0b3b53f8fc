import {
  type ActionExecutor,
  type ExecutionRequest,
  type ExecutionResult,
  ExecutorError,
  expectOk,
  type PlannedCall,
  send,
} from "./executor";

interface Deployment {
  metadata?: { annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template?: PodTemplate;
  };
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}
interface ReplicaSetList {
  items?: {
    metadata?: {
      name?: string;
      annotations?: Record<string, string>;
      ownerReferences?: { kind?: string; name?: string }[];
    };
    spec?: { template?: PodTemplate };
  }[];
}

const REVISION = "deployment.kubernetes.io/revision";

/**
 * The Kubernetes API (apps/v1) with a bearer token: the deployment named after the service in
 * the configured namespace. Rollout restart sets `kubectl.kubernetes.io/restartedAt` like
 * `kubectl rollout restart` (stamped with the run's start, so a retry changes nothing more);
 * scaling patches the scale subresource; undo copies the previous ReplicaSet's pod template
 * back like `kubectl rollout undo`; pause/resume set `spec.paused`; a pod restart deletes it.
 */
export class KubernetesExecutor implements ActionExecutor {
  readonly kind = "kubernetes" as const;

  constructor(
    private readonly config: { apiUrl: string; namespace: string; token: string },
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private url(path: string): string {
    return `${this.config.apiUrl.replace(/\/$/, "")}${path}`;
  }

  private headers(contentType?: string): Record<string, string> {
    return {
      authorization: `Bearer ${this.config.token}`,
      accept: "application/json",
      ...(contentType ? { "content-type": contentType } : {}),
    };
  }

  private async get<T>(path: string, calls: PlannedCall[]): Promise<T> {
    const response = await send(
      this.fetchFn,
      this.url(path),
      { method: "GET", headers: this.headers() },
      calls,
    );
    return (await expectOk(response, "Kubernetes", calls)) as T;
  }

  private async patch(
    path: string,
    contentType: string,
    body: unknown,
    mode: "live" | "dry_run",
    calls: PlannedCall[],
  ) {
    if (mode === "dry_run") {
      calls.push({ method: "PATCH", url: this.url(path), body });
      return null;
    }
    const response = await send(
      this.fetchFn,
      this.url(path),
      { method: "PATCH", headers: this.headers(contentType), body: JSON.stringify(body) },
      calls,
      body,
    );
    return expectOk(response, "Kubernetes", calls);
  }

  /**
   * Lists one deployment of the namespace (GET apps/v1 deployments?limit=1): the API answers and
   * the token may read there. Which deployment an action touches is only known per run.
   */
  async probe(): Promise<ExecutionResult> {
    const ns = encodeURIComponent(this.config.namespace);
    const calls: PlannedCall[] = [];
    const list = await this.get<{ items?: unknown[] }>(
      `/apis/apps/v1/namespaces/${ns}/deployments?limit=1`,
      calls,
    );
    const any = (list?.items?.length ?? 0) > 0 ? "deployments found" : "no deployments yet";
    return {
      ok: true,
      summary: `reached the Kubernetes API: namespace ${this.config.namespace}, ${any}`,
      calls,
    };
  }

  async execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult> {
    const ns = encodeURIComponent(this.config.namespace);
    const name = encodeURIComponent(String(request.params.deployment ?? request.service));
    const deploymentPath = `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
    const calls: PlannedCall[] = [];
    const verb = mode === "dry_run" ? "would " : "";
    switch (request.kind) {
      case "restart_service":
      case "rollout_restart":
      case "redeploy_current_version": {
        const body = {
          spec: {
            template: {
              metadata: {
                annotations: {
                  "kubectl.kubernetes.io/restartedAt": new Date(request.startedAt).toISOString(),
                },
              },
            },
          },
        };
        await this.patch(deploymentPath, "application/strategic-merge-patch+json", body, mode, calls);
        return {
          ok: true,
          summary: `${verb}restart deployment ${decodeURIComponent(name)} (rolling)`,
          calls,
        };
      }
      case "pause_rollout":
      case "resume_rollout": {
        const paused = request.kind === "pause_rollout";
        await this.patch(deploymentPath, "application/merge-patch+json", { spec: { paused } }, mode, calls);
        return {
          ok: true,
          summary: `${verb}${paused ? "pause" : "resume"} the rollout of ${decodeURIComponent(name)}`,
          calls,
        };
      }
      case "scale_out":
      case "scale_in": {
        const scale = await this.get<{ spec?: { replicas?: number } }>(`${deploymentPath}/scale`, calls);
        const current = scale?.spec?.replicas ?? 0;
        const step = Number(request.params.step ?? 1);
        const wanted =
          typeof request.params.replicas === "number"
            ? request.params.replicas
            : request.kind === "scale_out"
              ? current + step
              : current - step;
        if (request.kind === "scale_in" && wanted < 1)
          throw new ExecutorError(
            `refusing to scale ${decodeURIComponent(name)} below 1 replica`,
            false,
            calls,
          );
        if (request.kind === "scale_out" && wanted <= current)
          throw new ExecutorError(
            `${decodeURIComponent(name)} already has ${current} replicas`,
            false,
            calls,
          );
        if (request.kind === "scale_in" && wanted >= current)
          throw new ExecutorError(`${decodeURIComponent(name)} has only ${current} replicas`, false, calls);
        await this.patch(
          `${deploymentPath}/scale`,
          "application/merge-patch+json",
          { spec: { replicas: wanted } },
          mode,
          calls,
        );
        return {
          ok: true,
          summary: `${verb}scale ${decodeURIComponent(name)} from ${current} to ${wanted} replicas`,
          calls,
          details: { from: current, to: wanted },
        };
      }
      case "rollback_deployment": {
        const deployment = await this.get<Deployment>(deploymentPath, calls);
        const revision = Number(deployment?.metadata?.annotations?.[REVISION] ?? 0);
        const selector = Object.entries(deployment?.spec?.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
        const list = await this.get<ReplicaSetList>(
          `/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=${encodeURIComponent(selector)}`,
          calls,
        );
        const previous = (list?.items ?? [])
          .filter((rs) =>
            rs.metadata?.ownerReferences?.some(
              (o) => o.kind === "Deployment" && o.name === decodeURIComponent(name),
            ),
          )
          .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) }))
          .filter((x) => x.revision > 0 && x.revision < revision)
          .sort((a, b) => b.revision - a.revision)[0];
        if (!previous?.rs.spec?.template) {
          throw new ExecutorError(
            `no earlier revision of ${decodeURIComponent(name)} to roll back to (current ${revision})`,
            false,
            calls,
          );
        }
        // The ReplicaSet's own hash label must not travel back into the deployment's template.
        const template = structuredClone(previous.rs.spec.template);
        if (template.metadata?.labels) delete template.metadata.labels["pod-template-hash"];
        await this.patch(
          deploymentPath,
          "application/json-patch+json",
          [{ op: "replace", path: "/spec/template", value: template }],
          mode,
          calls,
        );
        return {
          ok: true,
          summary: `${verb}roll ${decodeURIComponent(name)} back from revision ${revision} to ${previous.revision} (${previous.rs.metadata?.name})`,
          calls,
          details: { from_revision: revision, to_revision: previous.revision },
        };
      }
      case "restart_pod": {
        const pod = encodeURIComponent(String(request.params.pod ?? ""));
        const path = `/api/v1/namespaces/${ns}/pods/${pod}`;
        if (mode === "dry_run") {
          calls.push({ method: "DELETE", url: this.url(path) });
        } else {
          const response = await send(
            this.fetchFn,
            this.url(path),
            { method: "DELETE", headers: this.headers() },
            calls,
          );
          await expectOk(response, "Kubernetes", calls);
        }
        return {
          ok: true,
          summary: `${verb}delete pod ${decodeURIComponent(pod)} so it is recreated`,
          calls,
        };
      }
      default:
        throw new ExecutorError(`Kubernetes cannot run ${request.kind}`, false);
    }
  }
}
