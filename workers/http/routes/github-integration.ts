import { z } from "zod";
import {
  createGithubWebhookSecret,
  deleteGithubRepository,
  deleteGithubWebhookSecret,
  getGithubWebhook,
  listGithubRepositories,
  putGithubRepository,
} from "../../services/github-webhook";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { ok } from "../schemas/common";
import {
  createdGithubSecret,
  githubRepositoryBody,
  githubRepositoryParams,
  githubRepositoryView,
  githubWebhookView,
} from "../schemas/github";

/**
 * The GitHub webhook of an organisation (POST /ingest/github): its secret and which service each
 * repository's deployments belong to. Admins and owners only; mounted before the integrations
 * router, whose authentication would otherwise run for these paths as well.
 */
export const githubIntegration = new DocumentedRouter("/api/integrations/github");
githubIntegration.app.use("*", authenticate());

const admin = { tag: "Integrations", auth: "user", minRole: "admin" } as const;
const origin = (url: string) => new URL(url).origin;

githubIntegration
  .route(
    {
      ...admin,
      method: "get",
      path: "/",
      summary:
        "The GitHub webhook: the Payload URL to paste into GitHub, whether a secret is set (never the secret) and the last verified delivery",
      success: { status: 200, description: "The webhook", schema: z.object({ github: githubWebhookView }) },
      errors: [401, 403],
    },
    async (c) =>
      c.json(
        { github: await getGithubWebhook(c.get("services"), c.get("principal").orgId, origin(c.req.url)) },
        200,
      ),
  )
  .route(
    {
      ...admin,
      method: "post",
      path: "/secret",
      summary:
        "Make the webhook secret, or rotate it (the old one stops verifying at once): shown once, paste it into GitHub's Secret field",
      success: { status: 201, description: "Made", schema: createdGithubSecret },
      errors: [401, 403, 503],
    },
    async (c) => {
      const { secret, ...github } = await createGithubWebhookSecret(
        c.get("services"),
        userPrincipal(c.get("principal")),
        origin(c.req.url),
        c.get("meta"),
      );
      return c.json({ github, secret }, 201);
    },
  )
  .route(
    {
      ...admin,
      method: "delete",
      path: "/secret",
      summary: "Remove the webhook secret: GitHub's deliveries are refused until a new one is made",
      success: { status: 200, description: "Removed", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      await deleteGithubWebhookSecret(c.get("services"), userPrincipal(c.get("principal")), c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...admin,
      method: "get",
      path: "/repositories",
      summary:
        "Repository mappings (owner/repo → service). A repository without one is the service of its own name, when that is a valid service name.",
      success: {
        status: 200,
        description: "Mappings",
        schema: z.object({ repositories: z.array(githubRepositoryView) }),
      },
      errors: [401, 403],
    },
    async (c) =>
      c.json(
        { repositories: await listGithubRepositories(c.get("services"), c.get("principal").orgId) },
        200,
      ),
  )
  .route(
    {
      ...admin,
      method: "put",
      path: "/repositories/:owner/:repo",
      summary:
        "Map a repository to a service {service, environment?, workflows?}: environment for workflow runs (default production), workflows whose runs are deployments",
      params: githubRepositoryParams,
      body: githubRepositoryBody,
      success: {
        status: 200,
        description: "Saved",
        schema: z.object({ repository: githubRepositoryView }),
      },
      errors: [400, 401, 403, 422],
    },
    async (c) => {
      const { owner, repo } = c.req.valid("param");
      const repository = await putGithubRepository(
        c.get("services"),
        userPrincipal(c.get("principal")),
        `${owner}/${repo}`,
        c.req.valid("json"),
        c.get("meta"),
      );
      return c.json({ repository }, 200);
    },
  )
  .route(
    {
      ...admin,
      method: "delete",
      path: "/repositories/:owner/:repo",
      summary: "Remove a repository mapping (its deployments go to the service of its own name again)",
      params: githubRepositoryParams,
      success: { status: 200, description: "Removed", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      const { owner, repo } = c.req.valid("param");
      await deleteGithubRepository(
        c.get("services"),
        userPrincipal(c.get("principal")),
        `${owner}/${repo}`,
        c.get("meta"),
      );
      return c.json({ ok: true as const }, 200);
    },
  );
