import { z } from "zod";

/**
 * Service and environment names: what agents send as `service`, what URLs carry and what
 * every rule, window and trigger matches against. One rule everywhere, so a name that can be
 * stored can always be matched, and no control character or separator ever becomes part of one.
 */
export const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const SERVICE_NAME_MAX = 100;
export const SERVICE_NAME_RULE = "letters, digits, '.', '_' and '-' only, starting with a letter or digit";

export const isServiceName = (v: unknown): v is string =>
  typeof v === "string" && v.length >= 1 && v.length <= SERVICE_NAME_MAX && SERVICE_NAME.test(v);

export const serviceName = z.string().min(1).max(SERVICE_NAME_MAX).regex(SERVICE_NAME, SERVICE_NAME_RULE);
