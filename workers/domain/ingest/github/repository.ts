import { isServiceName, SERVICE_NAME_MAX } from "../../text/identifiers";
import { DEFAULT_ENVIRONMENT } from "../defaults";

/**
 * GitHub's names: an owner (user or organisation) is 1-39 letters, digits and single hyphens; a
 * repository is up to 100 letters, digits, '.', '_' and '-'. Both are case-insensitive, so a
 * mapping is keyed by `owner/repo` in lower case.
 */
export const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
export const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

export const isGithubRepository = (fullName: string): boolean => {
  const [owner, repo, ...rest] = fullName.split("/");
  return (
    rest.length === 0 &&
    GITHUB_OWNER.test(owner ?? "") &&
    GITHUB_REPO.test(repo ?? "") &&
    repo !== "." &&
    repo !== ".."
  );
};

export const repositoryKey = (fullName: string): string => fullName.trim().toLowerCase();

/** What an organisation says about one repository (github_repositories). */
export interface RepositoryMapping {
  service: string;
  /** for events that name no environment (workflow runs); GitHub's own name wins in deployment_status */
  environment: string | null;
  /** workflow names or files whose runs are deployments; empty: the ones named like "deploy" */
  workflows: string[];
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The service of a repository's deployments: the mapping's, else the repository's own name when it is a valid one. */
export function serviceFor(
  repository: { name: string; full_name: string },
  mapping: RepositoryMapping | null,
): Resolved<string> {
  if (mapping) return { ok: true, value: mapping.service };
  if (isServiceName(repository.name)) return { ok: true, value: repository.name };
  return {
    ok: false,
    reason: `The repository name ${JSON.stringify(repository.name)} is not a service name (letters, digits, '.', '_' and '-', starting with a letter or digit): map ${repository.full_name} to a service in Deployr (Settings > GitHub)`,
  };
}

/**
 * A GitHub environment as one of ours: lower case (GitHub's are display names, "Production"),
 * every run of other characters one '-' ("Preview – web" is "preview-web"); null when nothing is left.
 */
export function environmentName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, SERVICE_NAME_MAX);
  return isServiceName(name) ? name : null;
}

/** The environment of an event that names none: the mapping's, else production. */
export const defaultEnvironment = (mapping: RepositoryMapping | null): string =>
  mapping?.environment ?? DEFAULT_ENVIRONMENT;

/** `.github/workflows/deploy.yml` (a `@ref` suffix dropped) and its file name. */
function workflowFile(path: string | null | undefined): { path: string; file: string } | null {
  if (!path) return null;
  const clean = path.split("@")[0] ?? path;
  return { path: clean, file: clean.slice(clean.lastIndexOf("/") + 1) };
}

/**
 * Whether a workflow's runs are deployments. The mapping lists them by name ("Deploy"), file
 * ("deploy.yml") or path (".github/workflows/deploy.yml"), any case; without a list, a workflow
 * whose name or file says "deploy" is one, so test and lint runs never pass for deployments.
 */
export function isDeploymentWorkflow(
  workflow: { name: string | null | undefined; path: string | null | undefined },
  mapping: RepositoryMapping | null,
): boolean {
  const file = workflowFile(workflow.path);
  const names = [workflow.name, file?.path, file?.file].filter((n): n is string => Boolean(n));
  const listed = mapping?.workflows ?? [];
  if (listed.length > 0) {
    const wanted = new Set(listed.map((w) => w.trim().toLowerCase()));
    return names.some((n) => wanted.has(n.toLowerCase()));
  }
  return [workflow.name, file?.file].some((n) => n !== undefined && n !== null && /deploy/i.test(n));
}
