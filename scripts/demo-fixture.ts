/** The demo organisation of local development (`npm start`). Local only: never seeded in production. */
export const DEMO = {
  orgId: "org_demo",
  orgName: "Acme Demo",
  userId: "usr_demo",
  email: "demo@deployr.dev",
  fullName: "Demo Owner",
  password: "deployr-demo-2026",
  apiKey: "dpl_DemoKeyForLocalDevelopmentOnly0000000000000",
} as const;
