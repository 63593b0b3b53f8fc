-- Razorpay events of one rank within one second are ordered by what they say (subscription-machine.ts):
-- the state records that content beside its version.
ALTER TABLE `subscriptions` ADD `billing_version_key` text;