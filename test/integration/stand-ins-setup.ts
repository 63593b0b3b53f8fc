import { closeStandIns } from "../support/stand-ins";

/**
 * The provider stand-ins start with each workerd runtime (standInBindings() in vitest.config.ts,
 * one set per runtime); this globalSetup only closes them all when the run ends.
 */
export default function setup() {
  return closeStandIns;
}
