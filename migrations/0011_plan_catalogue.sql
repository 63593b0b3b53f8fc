-- The plan catalogue (workers/domain/billing/catalog.ts) names the plans free, trial, pro and
-- enterprise; rows made before it used starter and growth, both of which are pro now.
UPDATE `subscriptions` SET `plan` = 'pro' WHERE `plan` IN ('starter', 'growth');
