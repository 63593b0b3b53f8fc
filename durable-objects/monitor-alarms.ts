/**
 * The monitor's one alarm serves three purposes: a checkpoint that waited, minutes a silent
 * service left open (monitor-log-minutes.ts), and analyses that become due (monitor-analysis.ts).
 * Each asks for it by a time and none may push back a sooner one; kept in one place so those
 * rules are written once.
 */
export class MonitorAlarms {
  /** a checkpoint alarm is asked for once until the alarm fires */
  private checkpointAlarmSet = false;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Makes sure the alarm fires by `due`, keeping a sooner one. */
  async by(due: number): Promise<void> {
    const current = await this.storage.getAlarm();
    if (current === null || current > due) await this.storage.setAlarm(due);
  }

  /** A checkpoint waited: the alarm writes it by `due` even if no more data comes. */
  async checkpointBy(due: number): Promise<void> {
    if (this.checkpointAlarmSet) return;
    await this.by(due);
    this.checkpointAlarmSet = true;
  }

  /** Sets the alarm for `due` unless one is set already (whenever it fires). */
  async unlessSet(due: number): Promise<void> {
    if ((await this.storage.getAlarm()) === null) await this.storage.setAlarm(due);
  }

  /** The alarm is firing: a checkpoint that waits from now on asks for it again. */
  fired(): void {
    this.checkpointAlarmSet = false;
  }
}
