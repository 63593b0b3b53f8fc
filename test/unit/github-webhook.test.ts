import { describe, expect, it } from "vitest";
import {
  githubSignature,
  githubSignatureMatches,
  readGithubSignature,
} from "../../workers/auth/github-signature";
import { githubDelivery, repositoryOf } from "../../workers/domain/ingest/github/events";
import {
  environmentName,
  isDeploymentWorkflow,
  isGithubRepository,
  type RepositoryMapping,
  serviceFor,
} from "../../workers/domain/ingest/github/repository";
import { partitionItems } from "../../workers/domain/ingest/items";
import failure from "../fixtures/github/deployment_status.failure.json";
import inProgress from "../fixtures/github/deployment_status.in_progress.json";
import success from "../fixtures/github/deployment_status.success.json";
import ping from "../fixtures/github/ping.json";
import completed from "../fixtures/github/workflow_run.completed.json";
import requested from "../fixtures/github/workflow_run.requested.json";

const SHA = "9f2c4e1b7a3d5f60812c9e4b7d0a6f3e2c1b8a97";
const bytes = (text: string) => new TextEncoder().encode(text);
const clone = <T>(value: T): T => structuredClone(value);
const mapping = (m: Partial<RepositoryMapping> = {}): RepositoryMapping => ({
  service: "checkout-api",
  environment: null,
  workflows: [],
  ...m,
});

function deployment(event: string, payload: unknown, map: RepositoryMapping | null = null) {
  const outcome = githubDelivery(event, payload, map);
  if (outcome.kind !== "deployment") throw new Error(`expected a deployment, got ${JSON.stringify(outcome)}`);
  return outcome.item;
}

describe("X-Hub-Signature-256", () => {
  it("matches GitHub's documented example (secret, body and signature from docs.github.com)", async () => {
    const body = bytes("Hello, World!");
    const signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(await githubSignature("It's a Secret to Everybody", body)).toBe(signature);
    expect(await githubSignatureMatches("It's a Secret to Everybody", body, signature)).toBe(true);
  });

  it("covers the exact bytes: a changed byte, another secret or re-serialised JSON does not match", async () => {
    const text = JSON.stringify(success, null, 2);
    const signature = await githubSignature("s3cret", bytes(text));
    expect(await githubSignatureMatches("s3cret", bytes(text), signature)).toBe(true);
    expect(await githubSignatureMatches("s3cret", bytes(text.replace("success", "failure")), signature)).toBe(
      false,
    );
    expect(await githubSignatureMatches("other", bytes(text), signature)).toBe(false);
    expect(await githubSignatureMatches("s3cret", bytes(JSON.stringify(success)), signature)).toBe(false);
  });

  it("signs bytes that are not UTF-8 text as they are", async () => {
    const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const decoded = bytes(new TextDecoder().decode(raw));
    expect(await githubSignature("k", raw)).not.toBe(await githubSignature("k", decoded));
  });

  it("reads only sha256= with 64 hex digits (any case); the SHA-1 header's form is not enough", () => {
    const hex = "a".repeat(64);
    expect(readGithubSignature(`sha256=${hex}`)).toBe(`sha256=${hex}`);
    expect(readGithubSignature(` SHA256=${hex.toUpperCase()} `)).toBe(`sha256=${hex}`);
    expect(readGithubSignature(`sha1=${"a".repeat(40)}`)).toBeNull();
    expect(readGithubSignature(`sha256=${hex.slice(1)}`)).toBeNull();
    expect(readGithubSignature(hex)).toBeNull();
    expect(readGithubSignature(undefined)).toBeNull();
  });
});

describe("deployment_status", () => {
  it("maps GitHub's payload to a deployment event: commit SHA as version, environment lower-cased", () => {
    expect(deployment("deployment_status", success)).toEqual({
      timestamp: "2026-12-01T10:17:48Z",
      service: "checkout",
      environment: "production",
      version: SHA,
      status: "succeeded",
      metadata: {
        source: "github",
        event: "deployment_status",
        repository: "acme-shop/checkout",
        sha: SHA,
        ref: "main",
        task: "deploy",
        state: "success",
        github_environment: "Production",
        deployment_id: 2109876543,
        creator: "github-actions[bot]",
        url: "https://github.com/acme-shop/checkout/actions/runs/12093847561/job/33445566778",
        environment_url: "https://checkout.acme-shop.example",
      },
    });
  });

  it("is a wire item POST /ingest/deployment accepts", () => {
    const now = Date.parse("2026-12-01T11:00:00Z");
    const items = [success, failure, inProgress].map((p) => deployment("deployment_status", p));
    const { accepted, rejected } = partitionItems("deployment", items, now);
    expect(rejected).toEqual([]);
    expect(accepted.map((a) => a.status)).toEqual(["succeeded", "failed", "started"]);
    expect(accepted[1]?.metadata.description).toBe("Health check failed after rollout");
  });

  it("maps every state GitHub sends through the ingest vocabulary", () => {
    const states: Record<string, string> = {
      success: "succeeded",
      failure: "failed",
      error: "failed",
      inactive: "cancelled",
      in_progress: "started",
      queued: "started",
      pending: "started",
    };
    for (const [state, ours] of Object.entries(states)) {
      const payload = clone(success);
      payload.deployment_status.state = state;
      expect(deployment("deployment_status", payload).status, state).toBe(ours);
    }
    const waiting = clone(success);
    waiting.deployment_status.state = "waiting";
    expect(githubDelivery("deployment_status", waiting, null)).toMatchObject({ kind: "ignored" });
    const proto = clone(success);
    proto.deployment_status.state = "constructor";
    expect(githubDelivery("deployment_status", proto, null)).toMatchObject({ kind: "ignored" });
  });

  it("gives queued, pending and in_progress one time (the deployment's creation), so they store one started event", () => {
    const stamps = ["queued", "pending", "in_progress"].map((state) => {
      const payload = clone(inProgress);
      payload.deployment_status.state = state;
      payload.deployment_status.updated_at = `2026-12-01T10:15:2${state.length % 10}Z`;
      return deployment("deployment_status", payload).timestamp;
    });
    expect(new Set(stamps)).toEqual(new Set(["2026-12-01T10:15:20Z"]));
  });

  it("takes the mapping's service; GitHub's environment wins over the mapping's", () => {
    const item = deployment("deployment_status", success, mapping({ environment: "staging" }));
    expect(item).toMatchObject({ service: "checkout-api", environment: "production" });
  });

  it("keeps the status' own description, else the deployment's", () => {
    const payload = clone(success);
    payload.deployment.description = "Release 2026.12.1" as unknown as null;
    expect(deployment("deployment_status", payload).metadata.description).toBe("Release 2026.12.1");
  });

  it("refuses a payload without the deployment, naming what is missing", () => {
    const { deployment: _gone, ...rest } = clone(success);
    const outcome = githubDelivery("deployment_status", rest, null);
    expect(outcome.kind).toBe("invalid");
    if (outcome.kind === "invalid") expect(outcome.details.map((d) => d.path)).toContain("deployment");
  });

  it("refuses a repository whose name is no service name, unless it is mapped", () => {
    const payload = clone(success);
    payload.repository.name = ".github";
    payload.repository.full_name = "acme-shop/.github";
    const outcome = githubDelivery("deployment_status", payload, null);
    expect(outcome).toMatchObject({ kind: "invalid" });
    if (outcome.kind === "invalid") expect(outcome.reason).toContain("Settings > GitHub");
    expect(deployment("deployment_status", payload, mapping()).service).toBe("checkout-api");
  });
});

describe("workflow_run", () => {
  it("maps a completed Deploy run: head_sha as version, production by default", () => {
    expect(deployment("workflow_run", completed)).toEqual({
      timestamp: "2026-12-01T10:18:05Z",
      service: "checkout",
      environment: "production",
      version: SHA,
      status: "succeeded",
      metadata: {
        source: "github",
        event: "workflow_run",
        repository: "acme-shop/checkout",
        sha: SHA,
        ref: "main",
        workflow: "Deploy",
        workflow_path: ".github/workflows/deploy.yml",
        run_id: 12093847561,
        run_number: 318,
        run_attempt: 1,
        trigger: "push",
        conclusion: "success",
        actor: "ada-deployer",
        url: "https://github.com/acme-shop/checkout/actions/runs/12093847561",
      },
    });
  });

  it("maps conclusions: failures and time-outs fail, cancelled and skipped cancel, neutral ones store nothing", () => {
    const expected: Record<string, string | null> = {
      success: "succeeded",
      failure: "failed",
      timed_out: "failed",
      startup_failure: "failed",
      cancelled: "cancelled",
      skipped: "cancelled",
      neutral: null,
      action_required: null,
      stale: null,
    };
    for (const [conclusion, ours] of Object.entries(expected)) {
      const payload = clone(completed);
      payload.workflow_run.conclusion = conclusion;
      const outcome = githubDelivery("workflow_run", payload, null);
      if (ours === null) expect(outcome.kind, conclusion).toBe("ignored");
      else expect(outcome, conclusion).toMatchObject({ kind: "deployment", item: { status: ours } });
    }
  });

  it("makes requested and in_progress one started event at the run's start", () => {
    const started = deployment("workflow_run", requested);
    const progress = clone(requested);
    progress.action = "in_progress";
    progress.workflow_run.updated_at = "2026-12-01T10:15:09Z";
    expect(started).toMatchObject({ status: "started", timestamp: "2026-12-01T10:15:01Z" });
    expect(deployment("workflow_run", progress)).toEqual(started);
  });

  it("uses the mapping's service and environment", () => {
    const item = deployment("workflow_run", completed, mapping({ environment: "eu-prod" }));
    expect(item).toMatchObject({ service: "checkout-api", environment: "eu-prod" });
  });

  it("counts only deployment workflows: named like deploy by default, the listed ones when a list is given", () => {
    const tests = clone(completed);
    tests.workflow_run.name = "CI";
    tests.workflow_run.path = ".github/workflows/ci.yml";
    tests.workflow.name = "CI";
    tests.workflow.path = ".github/workflows/ci.yml";
    expect(githubDelivery("workflow_run", tests, null)).toMatchObject({ kind: "ignored" });
    expect(githubDelivery("workflow_run", tests, mapping({ workflows: ["ci.yml"] }))).toMatchObject({
      kind: "deployment",
    });
    expect(githubDelivery("workflow_run", completed, mapping({ workflows: ["Release"] }))).toMatchObject({
      kind: "ignored",
    });
  });

  it("ignores other actions", () => {
    const payload = clone(completed);
    payload.action = "waiting";
    expect(githubDelivery("workflow_run", payload, null)).toMatchObject({ kind: "ignored" });
  });
});

describe("other deliveries", () => {
  it("answers ping with GitHub's zen", () => {
    expect(githubDelivery("ping", ping, null)).toEqual({
      kind: "ping",
      zen: "Design for failure.",
      hookId: 512345678,
    });
  });

  it("ignores events that are not deployments", () => {
    expect(githubDelivery("push", { ref: "refs/heads/main" }, null)).toEqual({
      kind: "ignored",
      reason: "push events are not deployments",
    });
  });

  it("reads the repository a delivery is about", () => {
    expect(repositoryOf(success)).toBe("acme-shop/checkout");
    expect(repositoryOf(ping)).toBeNull();
    expect(repositoryOf("not an object")).toBeNull();
  });
});

describe("names", () => {
  it("turns GitHub environments into ours", () => {
    expect(environmentName("Production")).toBe("production");
    expect(environmentName("Preview – checkout")).toBe("preview-checkout");
    expect(environmentName("github-pages")).toBe("github-pages");
    expect(environmentName("  --EU West 1--  ")).toBe("eu-west-1");
    expect(environmentName("–")).toBeNull();
    expect(environmentName("")).toBeNull();
    expect(environmentName("x".repeat(300))?.length).toBe(100);
  });

  it("takes a repository's own name as its service only when it is a valid one", () => {
    const repo = (name: string) => ({ name, full_name: `acme/${name}` });
    expect(serviceFor(repo("checkout"), null)).toEqual({ ok: true, value: "checkout" });
    expect(serviceFor(repo("Hello-World.v2"), null)).toEqual({ ok: true, value: "Hello-World.v2" });
    expect(serviceFor(repo("_private"), null).ok).toBe(false);
    expect(serviceFor(repo("_private"), mapping()).ok).toBe(true);
  });

  it("knows GitHub's owner/repo names", () => {
    expect(isGithubRepository("acme-shop/checkout")).toBe(true);
    expect(isGithubRepository("acme/.github")).toBe(true);
    expect(isGithubRepository("acme/..")).toBe(false);
    expect(isGithubRepository("-acme/checkout")).toBe(false);
    expect(isGithubRepository("acme/check/out")).toBe(false);
    expect(isGithubRepository("acme")).toBe(false);
  });

  it("matches listed workflows by name, file or path, in any case", () => {
    const wf = { name: "Ship it", path: ".github/workflows/ship.yml@refs/heads/main" };
    for (const listed of ["ship it", "SHIP.yml", ".github/workflows/ship.yml"])
      expect(isDeploymentWorkflow(wf, mapping({ workflows: [listed] })), listed).toBe(true);
    expect(isDeploymentWorkflow(wf, null)).toBe(false);
    expect(isDeploymentWorkflow({ name: "Build", path: ".github/workflows/deploy-prod.yml" }, null)).toBe(
      true,
    );
  });
});
