/**
 * The plans, in one place: what each costs (paise a month, Razorpay's unit for INR) and what it
 * gives. Every limit the product enforces reads from here, and the Billing view shows the same
 * table, so a price or a limit changes in one line.
 */
export const PLAN_IDS = ["free", "trial", "pro", "enterprise"] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export interface PlanLimitsFull {
  /** services the organisation may monitor at once */
  services: number;
  ingestItemsPerMinute: number;
  /** days of 1-minute history kept */
  retentionDays: number;
  /** model calls for root-cause analysis per UTC day; beyond it the rule base answers */
  aiAnalysesPerDay: number;
  seats: number;
  runbooks: number;
  autonomousMode: boolean;
  /** action executors (webhook, GitHub Actions, Kubernetes, Cloudflare) that may be set up */
  actionExecutors: number;
}

export interface Plan {
  id: PlanId;
  name: string;
  /** per month, in paise; null: priced by agreement */
  pricePaise: number | null;
  /** bought through Razorpay Checkout (free and trial are not bought; enterprise is agreed) */
  purchasable: boolean;
  limits: PlanLimitsFull;
}

const PRO: PlanLimitsFull = {
  services: 50,
  ingestItemsPerMinute: 200_000,
  retentionDays: 30,
  aiAnalysesPerDay: 2_000,
  seats: 25,
  runbooks: 100,
  autonomousMode: true,
  actionExecutors: 10,
};

export const PLANS: Record<PlanId, Plan> = {
  free: {
    id: "free",
    name: "Free",
    pricePaise: 0,
    purchasable: false,
    limits: {
      services: 3,
      ingestItemsPerMinute: 5_000,
      retentionDays: 3,
      aiAnalysesPerDay: 10,
      seats: 3,
      runbooks: 3,
      autonomousMode: false,
      actionExecutors: 1,
    },
  },
  // a real evaluation needs what is being evaluated: pro's limits, for TRIAL_DAYS
  trial: { id: "trial", name: "Trial", pricePaise: 0, purchasable: false, limits: PRO },
  pro: { id: "pro", name: "Pro", pricePaise: 4_999_00, purchasable: true, limits: PRO },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    pricePaise: null,
    purchasable: false,
    limits: {
      services: 1_000,
      ingestItemsPerMinute: 2_000_000,
      retentionDays: 90,
      aiAnalysesPerDay: 20_000,
      seats: 500,
      runbooks: 1_000,
      autonomousMode: true,
      actionExecutors: 100,
    },
  },
};

/** Names rows had before the catalogue (migration 0011 renames them); read as their successors. */
const LEGACY: Record<string, PlanId> = { starter: "pro", growth: "pro" };

export function isPlanId(value: string): value is PlanId {
  return (PLAN_IDS as readonly string[]).includes(value);
}

/** The plan a stored name stands for; an unknown name reads as free, never as more. */
export function planOf(name: string): Plan {
  const id = isPlanId(name) ? name : (LEGACY[name] ?? "free");
  return PLANS[id];
}
