/**
 * The D1 schema: the one source for migrations/ (drizzle-kit generate).
 * Every tenant table carries `org_id`; timestamps are epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { DeploymentStep } from "../domain/environments/deployment-run";

const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch() * 1000)`);

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  timezone: text("timezone").notNull().default("UTC"),
  /** which AI answers first: Workers AI (cloud_first) or the organisation's Ollama (local_first) */
  aiOrder: text("ai_order", { enum: ["cloud_first", "local_first"] })
    .notNull()
    .default("cloud_first"),
  /** the kill switch: while set, nothing runs on its own (a person can still approve) */
  actionsPausedAt: integer("actions_paused_at"),
  actionsPausedBy: text("actions_paused_by"),
  createdAt: createdAt(),
});

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  fullName: text("full_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  passwordChangedAt: integer("password_changed_at").notNull(),
  lastLoginAt: integer("last_login_at"),
  createdAt: createdAt(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "member", "viewer"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

/**
 * Refresh tokens. One row per issued token; a login starts a family, every refresh
 * rotates within it. Presenting a token that was already rotated revokes the family.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    familyId: text("family_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: integer("expires_at").notNull(),
    rotatedAt: integer("rotated_at"),
    revokedAt: integer("revoked_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_family_idx").on(t.familyId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ["owner", "admin", "member", "viewer"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").notNull(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_org_idx").on(t.orgId)],
);

export const passwordResets = sqliteTable("password_resets", {
  id: text("id").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
  createdAt: createdAt(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The first characters of the secret, shown in lists so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdBy: text("created_by").notNull(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("api_keys_org_idx").on(t.orgId)],
);

export const subscriptions = sqliteTable("subscriptions", {
  orgId: text("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  plan: text("plan").notNull(),
  status: text("status", { enum: ["trialing", "active", "past_due", "expired", "cancelled"] }).notNull(),
  trialEndsAt: integer("trial_ends_at"),
  currentPeriodEnd: integer("current_period_end"),
  /** Days-before-expiry of the last trial reminder sent, so each reminder goes out once. */
  lastReminderDays: integer("last_reminder_days"),
  /** Razorpay: the subscription the organisation bought or is buying, and its customer */
  razorpaySubscriptionId: text("razorpay_subscription_id").unique(),
  razorpayCustomerId: text("razorpay_customer_id"),
  /** Razorpay's plan id the subscription was made or changed for, and the plan of ours it stands for */
  razorpayPlanId: text("razorpay_plan_id"),
  requestedPlan: text("requested_plan"),
  /** a cancellation at period end that Razorpay accepted (Razorpay's entity does not say so) */
  cancelRequestedAt: integer("cancel_requested_at"),
  /** the state machine's view (domain/billing/subscription-machine.ts): the period, in epoch ms */
  cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull().default(false),
  currentPeriodStart: integer("current_period_start"),
  /** where the organisation stood before Razorpay's first word: what an unpaid subscription leaves */
  billingBaseStatus: text("billing_base_status", {
    enum: ["trialing", "active", "past_due", "expired", "cancelled"],
  }),
  billingBasePlan: text("billing_base_plan"),
  /** the created_at (s) and life-rank of the event the state came from: last writer wins */
  billingVersionAt: integer("billing_version_at"),
  billingVersionRank: integer("billing_version_rank"),
  /** what the event of that version said: ties within a second and a rank are ordered by it */
  billingVersionKey: text("billing_version_key"),
  /** bumped by every billing write: the compare-and-set that keeps two webhooks from both writing */
  billingRevision: integer("billing_revision").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
  createdAt: createdAt(),
});

/**
 * Every Razorpay webhook whose signature held, by X-Razorpay-Event-Id: a redelivery finds its
 * row and changes nothing. Written in the same batch as the state it led to.
 */
export const razorpayEvents = sqliteTable(
  "razorpay_events",
  {
    id: text("id").primaryKey(),
    event: text("event").notNull(),
    orgId: text("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    /** applied, stale (older than the state), recorded (payments, invoices), ignored (and why) */
    outcome: text("outcome").notNull(),
    reason: text("reason"),
    /** the event's own created_at, seconds */
    eventCreatedAt: integer("event_created_at").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("razorpay_events_org_idx").on(t.orgId, t.receivedAt)],
);

/** Payments Razorpay told us of (payment.captured / payment.failed, and those inside subscription events). */
export const razorpayPayments = sqliteTable(
  "razorpay_payments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text("subscription_id"),
    invoiceId: text("invoice_id"),
    /** paise */
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    method: text("method"),
    errorDescription: text("error_description"),
    /** when the payment was attempted (Razorpay's created_at), epoch ms */
    attemptedAt: integer("attempted_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("razorpay_payments_org_idx").on(t.orgId, t.attemptedAt)],
);

/** Invoices of a subscription's billing cycles (invoice.paid / partially_paid / expired). */
export const razorpayInvoices = sqliteTable(
  "razorpay_invoices",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text("subscription_id"),
    paymentId: text("payment_id"),
    /** paise */
    amount: integer("amount").notNull(),
    amountPaid: integer("amount_paid").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    shortUrl: text("short_url"),
    /** the billing cycle it covers and when it was issued / paid, epoch ms */
    billingStart: integer("billing_start"),
    billingEnd: integer("billing_end"),
    issuedAt: integer("issued_at").notNull(),
    paidAt: integer("paid_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("razorpay_invoices_org_idx").on(t.orgId, t.issuedAt)],
);

/** Outgoing e-mail: every message is recorded; delivered through a provider when one is configured. */
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id"),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    kind: text("kind").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed", "local"] }).notNull(),
    providerId: text("provider_id"),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("email_outbox_org_idx").on(t.orgId, t.createdAt)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    ip: text("ip"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_org_idx").on(t.orgId, t.createdAt)],
);

/** Fixed-window counters for rate limits (login per account and per IP, registration per IP). */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: integer("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

/**
 * Exponential backoff per (account, client) pair and per password change: each attempt claims
 * its slot before the password is checked, so concurrency cannot multiply the guesses.
 * `subject` (the normalised e-mail) lets a password reset clear every pair of one account.
 */
export const authBackoff = sqliteTable(
  "auth_backoff",
  {
    key: text("key").primaryKey(),
    subject: text("subject").notNull(),
    failures: integer("failures").notNull(),
    blockedUntil: integer("blocked_until").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("auth_backoff_subject_idx").on(t.subject), index("auth_backoff_updated_idx").on(t.updatedAt)],
);

/**
 * Idempotency-Key records of ingest requests (per organisation, 24 hours): the first request
 * claims the key while it runs; a retry of it gets the stored answer replayed.
 */
export const ingestRequests = sqliteTable(
  "ingest_requests",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** SHA-256 of the endpoint and the body: the same key with another payload is refused */
    fingerprint: text("fingerprint").notNull(),
    state: text("state", { enum: ["in_progress", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    /** a claim whose request died (restart, timeout) can be taken over after this */
    lockedUntil: integer("locked_until").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] }), index("ingest_requests_expires_idx").on(t.expiresAt)],
);

/** Services and environments register themselves on first data. */
export const services = sqliteTable(
  "services",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    firstSeenAt: integer("first_seen_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [uniqueIndex("services_org_name_idx").on(t.orgId, t.name)],
);

export const environments = sqliteTable(
  "environments",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    name: text("name").notNull(),
    firstSeenAt: integer("first_seen_at").notNull(),
    /**
     * The rest is what a team configures (environments.ts): null until then, for an environment
     * that only exists because data named it.
     */
    kind: text("kind"),
    baseUrl: text("base_url"),
    variables: text("variables", { mode: "json" }).$type<Record<string, string>>(),
    /** AES-GCM sealed JSON {name: value} (secret box, INTEGRATIONS_KEY); never read back by the API */
    secretsSealed: text("secrets_sealed"),
    /** the secrets' names, readable without decrypting them */
    secretNames: text("secret_names", { mode: "json" }).$type<string[]>(),
    promotionOrder: integer("promotion_order"),
    healthCheck: text("health_check", { mode: "json" }).$type<Record<string, unknown>>(),
    /** the deploy target without its token, which is sealed beside it */
    deploy: text("deploy", { mode: "json" }).$type<Record<string, unknown>>(),
    deployTokenSealed: text("deploy_token_sealed"),
    configuredAt: integer("configured_at"),
    updatedAt: integer("updated_at"),
    /** the health check's state (domain/environments/health-state.ts) */
    healthCheckedAt: integer("health_checked_at"),
    healthFailures: integer("health_failures").notNull().default(0),
    healthFiring: integer("health_firing", { mode: "boolean" }).notNull().default(false),
    /** since when every check has passed (null while failing or never checked): the promotion gate */
    healthOkSince: integer("health_ok_since"),
    /** how long this environment must be healthy with a version before it is promoted (minutes) */
    promotionGateMinutes: integer("promotion_gate_minutes"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.service, t.name] })],
);

export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    version: text("version").notNull(),
    status: text("status").notNull(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    deployedAt: integer("deployed_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("deployments_org_service_idx").on(t.orgId, t.service, t.deployedAt)],
);

/**
 * Deployments Deployr triggers through an environment's own pipeline (deploy, promote,
 * rollback): one row each, moved queued -> in_progress -> succeeded | failed | cancelled by the
 * target's answer, the pipeline's callback or polling (domain/environments/deployment-run.ts).
 * Each step also goes into `deployments` as a DeploymentEvent, where correlation reads it.
 */
export const deploymentRuns = sqliteTable(
  "deployment_runs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    version: text("version").notNull(),
    ref: text("ref"),
    action: text("action", { enum: ["deploy", "promote", "rollback"] }).notNull(),
    status: text("status", {
      enum: ["queued", "in_progress", "succeeded", "failed", "cancelled"],
    }).notNull(),
    targetType: text("target_type").notNull(),
    /** the pipeline's own id for it (a workflow run id, a deploy hook's build id, the agent's job id) */
    externalId: text("external_id"),
    externalUrl: text("external_url"),
    /** a user id, or "deployr" for a rollback the remediation loop started */
    requestedBy: text("requested_by").notNull(),
    forced: integer("forced", { mode: "boolean" }).notNull().default(false),
    fromEnvironment: text("from_environment"),
    /** the incident a reaction rolled back for */
    incidentId: text("incident_id"),
    error: text("error"),
    steps: text("steps", { mode: "json" }).notNull().$type<DeploymentStep[]>(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    index("deployment_runs_env_idx").on(t.orgId, t.service, t.environment, t.createdAt),
    index("deployment_runs_status_idx").on(t.status, t.updatedAt),
  ],
);

export const incidents = sqliteTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    fingerprint: text("fingerprint").notNull(),
    title: text("title").notNull(),
    status: text("status", { enum: ["open", "acknowledged", "resolved"] }).notNull(),
    severity: text("severity", { enum: ["low", "medium", "high", "critical"] }).notNull(),
    anomalyCount: integer("anomaly_count").notNull(),
    suspectedDeploymentId: text("suspected_deployment_id"),
    openedAt: integer("opened_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    acknowledgedAt: integer("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    resolvedAt: integer("resolved_at"),
    resolvedBy: text("resolved_by"),
    resolutionNote: text("resolution_note"),
    /** the member who owns the response (a user id of the organisation), or nobody yet */
    assigneeId: text("assignee_id"),
  },
  (t) => [
    index("incidents_org_status_idx").on(t.orgId, t.status, t.openedAt),
    index("incidents_org_fingerprint_idx").on(t.orgId, t.service, t.fingerprint, t.status),
  ],
);

export const incidentEvents = sqliteTable(
  "incident_events",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("incident_events_incident_idx").on(t.incidentId, t.createdAt)],
);

/** Anomalies that opened or joined an incident. */
export const anomalies = sqliteTable(
  "anomalies",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    metricName: text("metric_name").notNull(),
    labels: text("labels", { mode: "json" }).$type<Record<string, string>>().notNull(),
    currentValue: real("current_value").notNull(),
    baselineMean: real("baseline_mean").notNull(),
    baselineStdDev: real("baseline_std_dev").notNull(),
    zScore: real("z_score").notNull(),
    deviationPercent: real("deviation_percent").notNull(),
    severity: text("severity").notNull(),
    anomalyScore: real("anomaly_score").notNull(),
    detectedAt: integer("detected_at").notNull(),
  },
  (t) => [index("anomalies_incident_idx").on(t.incidentId)],
);

/** Analysis requests as the queue delivered them; the analyser consumes them (idempotent per incident). */
export const analysisJobs = sqliteTable(
  "analysis_jobs",
  {
    incidentId: text("incident_id")
      .primaryKey()
      .references(() => incidents.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    status: text("status", { enum: ["received", "analysing", "analysed", "failed"] }).notNull(),
    /** when the current analyser took the job; a stale claim (crashed consumer) may be taken over */
    claimedAt: integer("claimed_at"),
    context: text("context", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    deliveries: integer("deliveries").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("analysis_jobs_org_idx").on(t.orgId)],
);

/** Suppression rules: anomalies they match are recorded but never alerted. */
export const suppressionRules = sqliteTable(
  "suppression_rules",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    reason: text("reason"),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    service: text("service"),
    environment: text("environment"),
    metric: text("metric"),
    severities: text("severities", { mode: "json" }).$type<string[] | null>(),
    labels: text("labels", { mode: "json" }).$type<Record<string, string>>().notNull(),
    expiresAt: integer("expires_at"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("suppression_rules_org_idx").on(t.orgId)],
);

/** Planned work: anomalies inside are recorded, not alerted. */
export const maintenanceWindows = sqliteTable(
  "maintenance_windows",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service"),
    environment: text("environment"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    reason: text("reason").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("maintenance_windows_org_idx").on(t.orgId, t.endsAt)],
);

/** Root-cause analyses of incidents, whoever produced them; one per incident and trigger. */
export const analyses = sqliteTable(
  "analyses",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    /** what asked for it: "opened" for the first analysis of an incident */
    trigger: text("trigger").notNull(),
    provider: text("provider", { enum: ["workers_ai", "ollama", "rules"] }).notNull(),
    model: text("model").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    tokensIn: integer("tokens_in"),
    tokensOut: integer("tokens_out"),
    /** the Analysis of the design, as validated */
    result: text("result", { mode: "json" })
      .$type<import("../domain/analysis/analysis-schema").Analysis>()
      .notNull(),
    /** providers tried before the one that answered, and why they did not */
    attempts: text("attempts", { mode: "json" }).$type<Record<string, unknown>[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("analyses_incident_trigger_idx").on(t.incidentId, t.trigger),
    index("analyses_org_idx").on(t.orgId, t.createdAt),
  ],
);

/** A remediation proposed for an incident and its life: pending, approved/rejected, executed, outcome. */
export const actionRuns = sqliteTable(
  "action_runs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    analysisId: text("analysis_id").notNull(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    kind: text("kind").notNull(),
    /** the incident's failure pattern (rule base classification): the learning state */
    pattern: text("pattern").notNull().default("unclassified"),
    title: text("title").notNull(),
    reasoning: text("reasoning").notNull(),
    risk: text("risk", { enum: ["low", "medium", "high"] }).notNull(),
    priority: integer("priority").notNull(),
    confidence: real("confidence").notNull(),
    status: text("status", {
      enum: ["proposed", "pending", "approved", "rejected", "running", "succeeded", "failed", "expired"],
    }).notNull(),
    /** validated against the catalogue entry's schema */
    params: text("params", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** why it was not run on its own (the safety rails that did not hold) */
    policyReasons: text("policy_reasons", { mode: "json" }).$type<string[]>().notNull().default([]),
    executor: text("executor"),
    /** what the executor answered, or why it failed */
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>(),
    attempts: integer("attempts").notNull().default(0),
    startedAt: integer("started_at"),
    /** the outcome check looks at the metrics until then */
    verifyUntil: integer("verify_until"),
    finishedAt: integer("finished_at"),
    decidedBy: text("decided_by"),
    decidedVia: text("decided_via", { enum: ["dashboard", "slack", "api", "policy", "runbook"] }),
    decisionReason: text("decision_reason"),
    decidedAt: integer("decided_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("action_runs_analysis_kind_idx").on(t.analysisId, t.kind),
    index("action_runs_org_status_idx").on(t.orgId, t.status, t.createdAt),
    index("action_runs_incident_idx").on(t.incidentId),
  ],
);

/** Per-organisation integrations; the secret part of their configuration is AES-GCM encrypted. */
export const integrations = sqliteTable(
  "integrations",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: text("kind", {
      enum: ["slack", "webhook", "github_actions", "kubernetes", "cloudflare"],
    }).notNull(),
    /** what may be shown: mode, channel, a masked hint of the target */
    settings: text("settings", { mode: "json" }).$type<Record<string, string>>().notNull(),
    /** base64url(iv || ciphertext) of the secret configuration (JSON) */
    secret: text("secret").notNull(),
    updatedBy: text("updated_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.kind] })],
);

/** Links a Slack user to a Deployr member, so a button press in Slack is a member's decision. */
export const slackUserLinks = sqliteTable(
  "slack_user_links",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    slackUserId: text("slack_user_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.slackUserId] }),
    uniqueIndex("slack_user_links_user_idx").on(t.orgId, t.userId),
  ],
);

/**
 * A member's pending claim to a Slack user id: the bot sent a one-time code to that Slack user,
 * and the link is made only when the member types it back. One claim per member (a new request
 * replaces it); only an HMAC of the code is kept; `attempts` counts checks, made atomically.
 */
export const slackLinkProofs = sqliteTable(
  "slack_link_proofs",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    slackUserId: text("slack_user_id").notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index("slack_link_proofs_expires_idx").on(t.expiresAt),
  ],
);

/** Alerts sent (or kept in the outbox when no channel is configured); one per incident and kind. */
/**
 * The organisation's GitHub webhook: GitHub signs each delivery with this secret
 * (X-Hub-Signature-256), the only credential it can send. Sealed like the integrations' secrets
 * (secret-box, the org id as associated data); shown once when made, never again.
 */
export const githubWebhooks = sqliteTable("github_webhooks", {
  orgId: text("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  /** base64url(iv || ciphertext) of the signing secret */
  secret: text("secret").notNull(),
  /** when the current secret was made (a rotation moves it), and by whom */
  secretCreatedAt: integer("secret_created_at").notNull(),
  secretCreatedBy: text("secret_created_by").notNull(),
  /** the last delivery whose signature held, and its X-GitHub-Event */
  lastDeliveryAt: integer("last_delivery_at"),
  lastEvent: text("last_event"),
  createdAt: createdAt(),
});

/**
 * Which service a GitHub repository's deployments belong to. `repository` is `owner/repo` in
 * lower case (GitHub's names are case-insensitive); `environment` is used for events that name
 * none (workflow runs); `workflows` lists the workflows (name or file) whose runs are deployments.
 */
export const githubRepositories = sqliteTable(
  "github_repositories",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    repository: text("repository").notNull(),
    service: text("service").notNull(),
    environment: text("environment"),
    workflows: text("workflows", { mode: "json" }).$type<string[]>().notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: integer("updated_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.repository] })],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    incidentId: text("incident_id").references(() => incidents.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    channel: text("channel", { enum: ["slack", "outbox"] }).notNull(),
    status: text("status", { enum: ["pending", "sent", "failed", "local"] }).notNull(),
    title: text("title").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Slack's message id (ts) and channel, to update the message later */
    externalRef: text("external_ref"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_incident_kind_idx").on(t.incidentId, t.kind),
    index("notifications_org_idx").on(t.orgId, t.createdAt),
  ],
);

/** AI calls per organisation and UTC day, against the plan's daily quota. */
export const aiUsage = sqliteTable(
  "ai_usage",
  {
    orgId: text("org_id").notNull(),
    day: text("day").notNull(),
    calls: integer("calls").notNull(),
    tokens: integer("tokens").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day] })],
);

/** Circuit-breaker state per AI provider, shared by every isolate. */
export const aiCircuits = sqliteTable("ai_circuits", {
  provider: text("provider").primaryKey(),
  status: text("status", { enum: ["closed", "open", "half_open"] }).notNull(),
  failures: integer("failures").notNull(),
  successes: integer("successes").notNull(),
  openedAt: integer("opened_at"),
  updatedAt: integer("updated_at").notNull(),
});

/** Signed webhooks already processed (Slack interactions, later Razorpay): refuses replays. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    source: text("source").notNull(),
    eventKey: text("event_key").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.eventKey] }),
    index("webhook_events_received_idx").on(t.receivedAt),
  ],
);

/** How much each service may do on its own: the autonomy mode and its safety rails. */
export const serviceAutonomy = sqliteTable(
  "service_autonomy",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    policy: text("policy", { mode: "json" })
      .$type<import("../domain/remediation/safety-rails").AutonomyPolicy>()
      .notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.service] })],
);

/** What Deployr learned: per organisation, failure pattern and action, the outcomes and value. */
export const learningStats = sqliteTable(
  "learning_stats",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    pattern: text("pattern").notNull(),
    kind: text("kind").notNull(),
    q: real("q").notNull(),
    n: integer("n").notNull(),
    successes: integer("successes").notNull(),
    failures: integer("failures").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.pattern, t.kind] })],
);

/** Runbooks: the YAML as written (source) and what was parsed from it. */
export const runbooks = sqliteTable(
  "runbooks",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    source: text("source").notNull(),
    definition: text("definition", { mode: "json" })
      .$type<import("../domain/runbooks/runbook-schema").Runbook>()
      .notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("runbooks_org_idx").on(t.orgId)],
);

/** One execution of a runbook, resumable: the definition as it was at the start, and where it is. */
export const runbookRuns = sqliteTable(
  "runbook_runs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    runbookId: text("runbook_id")
      .notNull()
      .references(() => runbooks.id, { onDelete: "cascade" }),
    incidentId: text("incident_id"),
    service: text("service"),
    environment: text("environment"),
    /** set for runs started by a trigger, so an incident starts a runbook once */
    triggerKey: text("trigger_key").unique(),
    definition: text("definition", { mode: "json" })
      .$type<import("../domain/runbooks/runbook-schema").Runbook>()
      .notNull(),
    status: text("status", {
      enum: [
        "running",
        "waiting",
        "awaiting_approval",
        "awaiting_action",
        "succeeded",
        "failed",
        "cancelled",
      ],
    }).notNull(),
    stepIndex: integer("step_index").notNull(),
    inFailureBranch: integer("in_failure_branch", { mode: "boolean" }).notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    resumeAt: integer("resume_at"),
    actionRunId: text("action_run_id"),
    /** bumped by every advance: two advances of the same run cannot interleave */
    version: integer("version").notNull(),
    log: text("log", { mode: "json" }).$type<Record<string, unknown>[]>().notNull(),
    startedBy: text("started_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    index("runbook_runs_org_idx").on(t.orgId, t.createdAt),
    index("runbook_runs_status_idx").on(t.status, t.resumeAt),
  ],
);

/**
 * What the nightly retention job removed, per organisation and run (the run is the UTC day it
 * started): counts per table, added to by each page, so a resumed or redelivered page adds only
 * what it removed itself. `finishedAt` is set when the last page of the monitors is done.
 */
export const retentionRuns = sqliteTable(
  "retention_runs",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    runId: text("run_id").notNull(),
    retentionDays: integer("retention_days").notNull(),
    /** rows older than this (ms) were removed */
    cutoff: integer("cutoff").notNull(),
    removed: text("removed", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** pages done: a page is counted by compare-and-set on it, so a redelivered page counts once */
    step: integer("step").notNull().default(0),
    /** where the next page starts (the table, the last service pruned), to resume from */
    cursor: text("cursor", { mode: "json" }).$type<{ table: number; after_service: string | null }>(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.runId] })],
);

/**
 * An organisation's public status page (/status/:slug, the organisation's slug): opt-in, and it
 * shows only the environments listed here, their state, daily uptime and the open incidents'
 * public wording — nothing else of the tenant.
 */
export const statusPages = sqliteTable("status_pages", {
  orgId: text("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
  title: text("title").notNull(),
  components: text("components", { mode: "json" })
    .$type<{ service: string; environment: string }[]>()
    .notNull(),
  updatedAt: integer("updated_at").notNull(),
});
