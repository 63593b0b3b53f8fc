import type { Analysis } from "../analysis/analysis-schema";

/**
 * Incident alerts in Slack's Block Kit, within its documented limits
 * (https://api.slack.com/reference/block-kit/blocks): at most 50 blocks, header text 150
 * characters, section text 3000, 10 fields of 2000, button text 75, button value 2000,
 * action_id and block_id 255, at most 25 elements in an actions block. The colour bar of the
 * severity comes from a legacy attachment that carries the blocks.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  id: 255,
  actionsElements: 25,
  contextElements: 10,
  fallbackText: 4000,
} as const;

const SEVERITY_STYLE = {
  critical: { emoji: ":red_circle:", color: "#E01E5A" },
  high: { emoji: ":large_orange_circle:", color: "#F2952F" },
  medium: { emoji: ":large_yellow_circle:", color: "#ECB22E" },
  low: { emoji: ":large_blue_circle:", color: "#36C5F0" },
} as const;

const SEVERITY_ORDER = ["low", "medium", "high", "critical"] as const;

const RISK_EMOJI = { low: ":white_check_mark:", medium: ":warning:", high: ":rotating_light:" } as const;

export interface AlertIncident {
  id: string;
  title: string;
  service: string;
  environment: string;
  severity: keyof typeof SEVERITY_STYLE;
  openedAt: number;
}

export interface AlertAnomaly {
  metric_name: string;
  current_value: number;
  baseline_mean: number;
  deviation_percent: number;
  z_score: number;
}

export interface AlertAction {
  id: string;
  title: string;
  risk: "low" | "medium" | "high";
  status: string;
  decidedBy?: string | null;
  /** why Deployr did not run it on its own */
  reasons?: string[];
}

export interface AlertInput {
  incident: AlertIncident;
  analysis: Analysis;
  provider: string;
  anomalies: AlertAnomaly[];
  actions: AlertAction[];
  incidentUrl: string;
}

type Block = Record<string, unknown>;

export interface SlackMessage {
  text: string;
  attachments: { color: string; blocks: Block[]; fallback: string }[];
}

/** Slack's mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, SLACK_LIMITS.sectionText) } };
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return abs >= 100 ? String(Math.round(x)) : String(Math.round(x * 100) / 100);
}

const MAX_ANOMALY_FIELDS = 6;
const MAX_ACTIONS = 5;

export function incidentAlert(input: AlertInput): SlackMessage {
  const { incident, analysis } = input;
  // The analysis may judge lower than the detector did: alert at the higher of the two.
  const severity =
    SEVERITY_ORDER.indexOf(analysis.severity) > SEVERITY_ORDER.indexOf(incident.severity)
      ? analysis.severity
      : incident.severity;
  const style = SEVERITY_STYLE[severity];
  const blocks: Block[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: truncate(`${severity.toUpperCase()}: ${incident.title}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `${style.emoji} *${escapeMrkdwn(incident.service)}* · ${escapeMrkdwn(incident.environment)} · opened <!date^${Math.floor(incident.openedAt / 1000)}^{date_short_pretty} {time}|${new Date(incident.openedAt).toISOString()}>`,
        },
      ],
    },
    section(
      `*Root cause* (${Math.round(analysis.root_cause.confidence)}% confidence, ${escapeMrkdwn(input.provider)})\n${escapeMrkdwn(analysis.root_cause.description)}`,
    ),
  ];
  if (analysis.evidence.length > 0) {
    blocks.push(
      section(
        `*Evidence*\n${analysis.evidence
          .slice(0, 6)
          .map((e) => `• ${escapeMrkdwn(e)}`)
          .join("\n")}`,
      ),
    );
  }
  if (input.anomalies.length > 0) {
    const fields = input.anomalies.slice(0, MAX_ANOMALY_FIELDS).map((a) => ({
      type: "mrkdwn",
      text: truncate(
        `*${escapeMrkdwn(a.metric_name)}*\n${formatNumber(a.current_value)} vs ${formatNumber(a.baseline_mean)} baseline (${a.deviation_percent >= 0 ? "+" : ""}${Math.round(a.deviation_percent)}%, z ${a.z_score.toFixed(1)})`,
        SLACK_LIMITS.fieldText,
      ),
    }));
    blocks.push({ type: "section", text: { type: "mrkdwn", text: "*Anomalies*" }, fields });
    if (input.anomalies.length > MAX_ANOMALY_FIELDS) {
      blocks.push({
        type: "context",
        elements: [
          { type: "mrkdwn", text: `+${input.anomalies.length - MAX_ANOMALY_FIELDS} more in the incident` },
        ],
      });
    }
  }
  if (analysis.recommended_actions.length > 0) {
    const lines = analysis.recommended_actions
      .slice(0, MAX_ACTIONS)
      .map((a) => `${a.priority}. ${RISK_EMOJI[a.risk]} ${escapeMrkdwn(a.action)} _(risk ${a.risk})_`);
    blocks.push(section(`*Recommended actions*\n${lines.join("\n")}`));
  }
  blocks.push(section(`*Customer impact*\n${escapeMrkdwn(analysis.estimated_customer_impact)}`));
  blocks.push(...actionBlocks(input.actions));
  blocks.push({
    type: "actions",
    block_id: "incident_links",
    elements: [
      {
        type: "button",
        action_id: "open_incident",
        text: { type: "plain_text", text: "Open incident" },
        url: input.incidentUrl,
      },
    ],
  });
  const text = truncate(
    `${style.emoji} ${severity.toUpperCase()} ${escapeMrkdwn(incident.title)}: ${escapeMrkdwn(analysis.root_cause.description)}`,
    SLACK_LIMITS.fallbackText,
  );
  return {
    text,
    attachments: [{ color: style.color, blocks: blocks.slice(0, SLACK_LIMITS.blocks), fallback: text }],
  };
}

/** Approve / Reject per action waiting for a decision; decided ones say who decided. */
function actionBlocks(actions: AlertAction[]): Block[] {
  const blocks: Block[] = [];
  for (const action of actions.slice(0, MAX_ACTIONS)) {
    if (action.status === "pending" || action.status === "proposed") {
      const why = action.reasons?.length
        ? `\n_Not run automatically: ${escapeMrkdwn(action.reasons.join("; "))}_`
        : "";
      blocks.push(
        section(
          `*Awaiting approval:* ${escapeMrkdwn(action.title)} ${RISK_EMOJI[action.risk]} _risk ${action.risk}_${why}`,
        ),
      );
      blocks.push({
        type: "actions",
        block_id: truncate(`action_run:${action.id}`, SLACK_LIMITS.id),
        elements: [
          {
            type: "button",
            action_id: "approve_action",
            style: "primary",
            text: { type: "plain_text", text: "Approve" },
            value: action.id,
            confirm: {
              title: { type: "plain_text", text: "Run this action?" },
              text: { type: "mrkdwn", text: truncate(escapeMrkdwn(action.title), 300) },
              confirm: { type: "plain_text", text: "Approve" },
              deny: { type: "plain_text", text: "Cancel" },
            },
          },
          {
            type: "button",
            action_id: "reject_action",
            style: "danger",
            text: { type: "plain_text", text: "Reject" },
            value: action.id,
          },
        ],
      });
    } else {
      const who = action.decidedBy ? ` by ${escapeMrkdwn(action.decidedBy)}` : "";
      const icon = action.status === "rejected" ? ":no_entry_sign:" : ":white_check_mark:";
      blocks.push({
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: truncate(`${icon} ${escapeMrkdwn(action.title)}: *${action.status}*${who}`, 3000),
          },
        ],
      });
    }
  }
  return blocks;
}

/** Everything in a message that breaks a documented Block Kit limit; empty when it is valid. */
export function blockKitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  for (const [i, attachment] of message.attachments.entries()) {
    if (attachment.blocks.length > SLACK_LIMITS.blocks)
      problems.push(`attachment ${i}: ${attachment.blocks.length} blocks`);
    for (const [j, block] of attachment.blocks.entries()) {
      const where = `block ${j} (${String(block.type)})`;
      const text = (block.text as { text?: string } | undefined)?.text ?? "";
      if (block.type === "header" && text.length > SLACK_LIMITS.headerText)
        problems.push(`${where}: header text ${text.length}`);
      if (block.type === "section" && text.length > SLACK_LIMITS.sectionText)
        problems.push(`${where}: text ${text.length}`);
      const fields = (block.fields as { text: string }[] | undefined) ?? [];
      if (fields.length > SLACK_LIMITS.fields) problems.push(`${where}: ${fields.length} fields`);
      for (const f of fields)
        if (f.text.length > SLACK_LIMITS.fieldText) problems.push(`${where}: field ${f.text.length}`);
      if (typeof block.block_id === "string" && block.block_id.length > SLACK_LIMITS.id)
        problems.push(`${where}: block_id`);
      const elements = (block.elements as Record<string, unknown>[] | undefined) ?? [];
      if (block.type === "actions" && elements.length > SLACK_LIMITS.actionsElements)
        problems.push(`${where}: ${elements.length} elements`);
      if (block.type === "context" && elements.length > SLACK_LIMITS.contextElements)
        problems.push(`${where}: ${elements.length} elements`);
      for (const e of elements) {
        if (e.type !== "button") continue;
        const label = (e.text as { text: string }).text;
        if (label.length > SLACK_LIMITS.buttonText) problems.push(`${where}: button text ${label.length}`);
        if (typeof e.value === "string" && e.value.length > SLACK_LIMITS.buttonValue)
          problems.push(`${where}: button value`);
        if (typeof e.action_id === "string" && e.action_id.length > SLACK_LIMITS.id)
          problems.push(`${where}: action_id`);
      }
    }
  }
  return problems;
}
