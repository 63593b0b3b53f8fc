import type { ExecutorKindName } from "../../workers/http/schemas/executors";

/** What each executor's form asks for; `secret` fields are write-only (sealed, never read back). */
export interface ExecutorField {
  name: string;
  label: string;
  secret?: boolean;
  placeholder?: string;
  optional?: boolean;
}

export const EXECUTOR_FORMS: {
  kind: ExecutorKindName;
  title: string;
  about: string;
  fields: ExecutorField[];
}[] = [
  {
    kind: "webhook",
    title: "Signed webhook",
    about: "Your own agent receives each action as a signed POST (X-Deployr-Signature) and carries it out.",
    fields: [
      { name: "url", label: "Agent URL", placeholder: "https://agent.example.com/deployr" },
      { name: "signing_secret", label: "Signing secret (16+ characters)", secret: true },
    ],
  },
  {
    kind: "github_actions",
    title: "GitHub Actions",
    about: "Actions start a workflow_dispatch of your workflow, with the action as inputs.",
    fields: [
      { name: "repository", label: "Repository", placeholder: "owner/repository" },
      { name: "workflow", label: "Workflow", placeholder: "remediate.yml" },
      { name: "ref", label: "Ref", placeholder: "main", optional: true },
      { name: "token", label: "Token (actions: write)", secret: true },
    ],
  },
  {
    kind: "kubernetes",
    title: "Kubernetes",
    about:
      "Rollout restart, scale, undo, pause and resume through the apps/v1 API with a service-account token.",
    fields: [
      { name: "api_url", label: "API server URL", placeholder: "https://k8s.example.com:6443" },
      { name: "namespace", label: "Namespace", placeholder: "default", optional: true },
      { name: "token", label: "Service-account token", secret: true },
    ],
  },
  {
    kind: "cloudflare",
    title: "Cloudflare",
    about: "Cache purges on your zone with an API token allowed to purge it.",
    fields: [
      { name: "zone_id", label: "Zone id", placeholder: "32 hexadecimal characters" },
      { name: "api_token", label: "API token", secret: true },
    ],
  },
];

/** The PUT body a submitted form stands for: empty optional fields are left to the schema's defaults. */
export function executorInput(kind: ExecutorKindName, form: FormData): Record<string, string> {
  const spec = EXECUTOR_FORMS.find((f) => f.kind === kind);
  const input: Record<string, string> = {};
  for (const field of spec?.fields ?? []) {
    const value = String(form.get(field.name) ?? "");
    if (value.trim() !== "" || !field.optional) input[field.name] = value;
  }
  return input;
}
