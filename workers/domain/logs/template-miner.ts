import { maskLine } from "./log-mask";

/**
 * A Drain-style log template miner (He et al., "Drain: An Online Log Parsing Approach with Fixed
 * Depth Tree", ICWS 2017). A masked line is routed by its token count, then by its first tokens,
 * to a short list of clusters; it joins the most similar one (the positions where they differ
 * become `<*>`) or starts a cluster of its own. Memory is bounded: at most `maxClusters` clusters,
 * the one seen least recently (in data time) evicted first. The state is plain JSON; the tree is
 * rebuilt from the clusters' paths when a state is loaded.
 */

const MINUTE = 60_000;
export const WILDCARD = "<*>";

export type TemplateLevel = "debug" | "info" | "warn" | "error" | "critical";
const LEVEL_RANK: Record<TemplateLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, critical: 4 };

export interface MinerConfig {
  /** first tokens that route a line below its token count (Drain's depth minus 2) */
  prefixTokens: number;
  /** share of equal tokens for a line to join a cluster */
  similarity: number;
  /** children of a prefix node before further tokens share the `<*>` child */
  maxChildren: number;
  /** clusters kept per miner; the least recently seen goes first */
  maxClusters: number;
  /** tokens of a line that are compared; the rest is one `<*>` */
  maxTokens: number;
  /** minutes of per-minute counts each cluster keeps once they are judged */
  recentMinutes: number;
  /** per-minute counts a cluster keeps at most, judged or not (a backfill of hours in one call) */
  maxMinutes: number;
}

export const DEFAULT_MINER_CONFIG: MinerConfig = {
  prefixTokens: 1,
  similarity: 0.4,
  maxChildren: 64,
  maxClusters: 200,
  maxTokens: 48,
  recentMinutes: 15,
  maxMinutes: 240,
};

/** Learned rate of a template's warn/error lines, owned by template-signals.ts. */
export interface TemplateRate {
  rate: number;
  minutes: number;
}

export interface TemplateCluster {
  /** stable for the cluster's life: a hash of the first line's template */
  id: string;
  template: string;
  count: number;
  /** data time (ms) of the first and the latest line */
  first_seen: number;
  last_seen: number;
  /** most severe level among its lines */
  level: TemplateLevel;
  /** the first line as logged (shortened) */
  sample: string;
  /** where it hangs in the tree: token count, then the routed prefix tokens */
  path: string[];
  /** recent minutes: [minute start, lines, warn-or-worse lines], oldest first */
  minutes: [number, number, number][];
  /** template-signals.ts: the learned rate, the last minute judged, whether "new" was told */
  rate?: TemplateRate;
  judged_through?: number;
  announced?: boolean;
}

export interface MinerState {
  version: 1;
  /** minute of the first line this miner saw: how much history the service has */
  first_minute: number | null;
  clusters: TemplateCluster[];
}

export function emptyMinerState(): MinerState {
  return { version: 1, first_minute: null, clusters: [] };
}

export interface LogLine {
  timestamp: number;
  level: TemplateLevel;
  message: string;
}

export interface Observation {
  cluster: TemplateCluster;
  created: boolean;
  /** id of a cluster evicted to make room */
  evicted: string | null;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: string[];
}

function node(): TreeNode {
  return { children: new Map(), clusters: [] };
}

export function isSevere(level: TemplateLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK.warn;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The tokens the miner compares: masked, and at most `maxTokens` of them. */
export function templateTokens(message: string, config: MinerConfig = DEFAULT_MINER_CONFIG): string[] {
  const masked = maskLine(message);
  const tokens = masked === "" ? [] : masked.split(" ");
  return tokens.length > config.maxTokens ? [...tokens.slice(0, config.maxTokens - 1), WILDCARD] : tokens;
}

/** Drain's similarity: equal tokens over length, wildcards of the template not counted; ties by wildcards. */
function similarity(template: string[], tokens: string[]): [sim: number, wildcards: number] {
  if (tokens.length === 0) return [1, 0];
  let equal = 0;
  let wildcards = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (template[i] === WILDCARD) wildcards++;
    else if (template[i] === tokens[i]) equal++;
  }
  return [equal / tokens.length, wildcards];
}

/**
 * Drops per-minute counts older than `recentMinutes` before the cluster's last line, once they are
 * judged (template-signals.ts) or when the cluster's lines are never judged (info only).
 */
export function forgetMinutes(cluster: TemplateCluster, config: MinerConfig): void {
  const oldest = Math.floor(cluster.last_seen / MINUTE) * MINUTE - config.recentMinutes * MINUTE;
  const judged = isSevere(cluster.level) ? (cluster.judged_through ?? Number.NEGATIVE_INFINITY) : oldest;
  const limit = Math.min(oldest, judged);
  while (cluster.minutes.length > 0 && cluster.minutes[0]![0] <= limit) cluster.minutes.shift();
}

export class TemplateMiner {
  private readonly clusters = new Map<string, TemplateCluster>();
  private readonly tokens = new Map<string, string[]>();
  private readonly root = node();
  private firstMinute: number | null;

  constructor(
    state: MinerState = emptyMinerState(),
    readonly config: MinerConfig = DEFAULT_MINER_CONFIG,
  ) {
    this.firstMinute = state.first_minute;
    for (const cluster of state.clusters) this.attach(structuredClone(cluster));
  }

  get size(): number {
    return this.clusters.size;
  }

  get firstMinuteSeen(): number | null {
    return this.firstMinute;
  }

  all(): TemplateCluster[] {
    return [...this.clusters.values()];
  }

  get(id: string): TemplateCluster | undefined {
    return this.clusters.get(id);
  }

  toState(): MinerState {
    return { version: 1, first_minute: this.firstMinute, clusters: structuredClone(this.all()) };
  }

  /** The cluster a line would join, without learning from it. */
  match(message: string): TemplateCluster | null {
    const tokens = templateTokens(message, this.config);
    const leaf = this.search(tokens);
    return leaf ? this.best(leaf, tokens) : null;
  }

  /**
   * Learns a line: counts it in its cluster (generalising the template where they differ) or
   * starts a new cluster, evicting the least recently seen one beyond `maxClusters`.
   * @example new TemplateMiner().observe({ timestamp: 0, level: "error", message: "timeout after 30s" }).cluster.template // "timeout after <DURATION>"
   */
  observe(line: LogLine): Observation {
    const tokens = templateTokens(line.message, this.config);
    const minute = Math.floor(line.timestamp / MINUTE) * MINUTE;
    this.firstMinute = this.firstMinute === null ? minute : Math.min(this.firstMinute, minute);
    const leaf = this.search(tokens);
    const found = leaf ? this.best(leaf, tokens) : null;
    if (found) {
      const template = this.tokens.get(found.id)!;
      let changed = false;
      for (let i = 0; i < template.length; i++) {
        if (template[i] !== WILDCARD && template[i] !== tokens[i]) {
          template[i] = WILDCARD;
          changed = true;
        }
      }
      if (changed) found.template = template.join(" ");
      this.count(found, line, minute);
      return { cluster: found, created: false, evicted: null };
    }
    const template = tokens.join(" ");
    let id = `t${fnv1a(template)}`;
    for (let n = 2; this.clusters.has(id); n++) id = `t${fnv1a(template)}-${n}`;
    const cluster: TemplateCluster = {
      id,
      template,
      count: 0,
      first_seen: line.timestamp,
      last_seen: line.timestamp,
      level: line.level,
      sample: line.message.slice(0, 300),
      path: this.pathFor(tokens),
      minutes: [],
    };
    this.attach(cluster);
    this.count(cluster, line, minute);
    const evicted = this.clusters.size > this.config.maxClusters ? this.evict(id) : null;
    return { cluster, created: true, evicted };
  }

  private count(cluster: TemplateCluster, line: LogLine, minute: number): void {
    cluster.count++;
    cluster.first_seen = Math.min(cluster.first_seen, line.timestamp);
    cluster.last_seen = Math.max(cluster.last_seen, line.timestamp);
    if (LEVEL_RANK[line.level] > LEVEL_RANK[cluster.level]) cluster.level = line.level;
    const severe = isSevere(line.level) ? 1 : 0;
    const entry = cluster.minutes.find((m) => m[0] === minute);
    if (entry) {
      entry[1]++;
      entry[2] += severe;
    } else {
      cluster.minutes.push([minute, 1, severe]);
      cluster.minutes.sort((a, b) => a[0] - b[0]);
    }
    forgetMinutes(cluster, this.config);
    while (cluster.minutes.length > this.config.maxMinutes) cluster.minutes.shift();
  }

  /** The leaf a line belongs to, following exact tokens or the `<*>` child. */
  private search(tokens: string[]): TreeNode | null {
    let current = this.root.children.get(String(tokens.length));
    for (const token of tokens.slice(0, this.config.prefixTokens)) {
      if (!current) return null;
      current = current.children.get(token) ?? current.children.get(WILDCARD);
    }
    return current ?? null;
  }

  private best(leaf: TreeNode, tokens: string[]): TemplateCluster | null {
    let best: TemplateCluster | null = null;
    let bestSim = -1;
    let bestWildcards = -1;
    for (const id of leaf.clusters) {
      const [sim, wildcards] = similarity(this.tokens.get(id)!, tokens);
      if (sim > bestSim || (sim === bestSim && wildcards > bestWildcards)) {
        best = this.clusters.get(id)!;
        bestSim = sim;
        bestWildcards = wildcards;
      }
    }
    return best && bestSim >= this.config.similarity ? best : null;
  }

  /** Drain's routing of a new cluster: its token, or `<*>` once a node has its fill of children. */
  private pathFor(tokens: string[]): string[] {
    const path = [String(tokens.length)];
    let current = this.root.children.get(path[0]!);
    for (const token of tokens.slice(0, this.config.prefixTokens)) {
      const children = current?.children ?? new Map<string, TreeNode>();
      let step = token;
      if (token === WILDCARD || children.has(token)) step = token;
      else if (children.has(WILDCARD)) step = children.size < this.config.maxChildren ? token : WILDCARD;
      else if (children.size + 1 >= this.config.maxChildren) step = WILDCARD;
      path.push(step);
      current = children.get(step);
    }
    return path;
  }

  private attach(cluster: TemplateCluster): void {
    this.clusters.set(cluster.id, cluster);
    this.tokens.set(cluster.id, cluster.template === "" ? [] : cluster.template.split(" "));
    let current = this.root;
    for (const step of cluster.path) {
      let next = current.children.get(step);
      if (!next) {
        next = node();
        current.children.set(step, next);
      }
      current = next;
    }
    current.clusters.push(cluster.id);
  }

  /** Drops the least recently seen cluster other than `keep`, and the tree nodes left empty. */
  private evict(keep: string): string | null {
    let victim: TemplateCluster | null = null;
    for (const cluster of this.clusters.values()) {
      if (cluster.id === keep) continue;
      if (!victim || cluster.last_seen < victim.last_seen) victim = cluster;
    }
    if (!victim) return null;
    this.clusters.delete(victim.id);
    this.tokens.delete(victim.id);
    const trail: TreeNode[] = [this.root];
    for (const step of victim.path) trail.push(trail.at(-1)!.children.get(step)!);
    const leaf = trail.at(-1)!;
    leaf.clusters = leaf.clusters.filter((id) => id !== victim.id);
    for (let i = victim.path.length; i > 0; i--) {
      const current = trail[i]!;
      if (current.clusters.length > 0 || current.children.size > 0) break;
      trail[i - 1]!.children.delete(victim.path[i - 1]!);
    }
    return victim.id;
  }
}
