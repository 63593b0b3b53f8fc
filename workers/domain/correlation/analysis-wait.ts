/**
 * When an opened incident is analysed (and, after the analysis, alerted). Not at once: the
 * first signal is often a metric, and the log lines that explain it arrive a moment later from
 * another agent (a log shipper flushes every few seconds, a metrics scrape every 15 to 60).
 * Like Alertmanager's group_wait, the analysis waits to gather what belongs to the incident,
 * then looks at all of it: until the service's data has run `dataWaitMs` past the first signal
 * (the minutes right after the onset show the errors), or `groupWaitMs` of wall time has gone by
 * (data that stopped, or slow agents), whichever comes first.
 */
export interface AnalysisWait {
  groupWaitMs: number;
  dataWaitMs: number;
}

export const DEFAULT_ANALYSIS_WAIT: AnalysisWait = { groupWaitMs: 30_000, dataWaitMs: 2 * 60_000 };

export interface PendingAnalysis {
  /** data time of the incident's first signal */
  firstSignalAt: number;
  /** wall time at which the incident opened */
  openedAt: number;
  /** the newest data time seen from the service since */
  latestDataAt: number;
}

/** Whether a pending analysis should go now. A zero group wait sends it with the incident. */
export function analysisDue(pending: PendingAnalysis, now: number, wait: AnalysisWait): boolean {
  if (now - pending.openedAt >= wait.groupWaitMs) return true;
  return pending.latestDataAt - pending.firstSignalAt >= wait.dataWaitMs;
}

/** Wall time by which it goes at the latest (the monitor sets its alarm for it). */
export function analysisDeadline(pending: PendingAnalysis, wait: AnalysisWait): number {
  return pending.openedAt + wait.groupWaitMs;
}

/** The wait from configuration: seconds of group wait, the data wait as is; bad values fall back. */
export function analysisWaitFrom(groupWaitSeconds: string | undefined): AnalysisWait {
  const seconds = groupWaitSeconds?.trim() ? Number(groupWaitSeconds) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 600) return DEFAULT_ANALYSIS_WAIT;
  return { ...DEFAULT_ANALYSIS_WAIT, groupWaitMs: seconds * 1000 };
}
