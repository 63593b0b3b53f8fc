-- Environments a team configures (issue 18): kind, base URL, variables, sealed secrets (names
-- readable), promotion order, health check and deploy target, beside the environments data named.
ALTER TABLE `environments` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `base_url` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `variables` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `secrets_sealed` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `secret_names` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `promotion_order` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `health_check` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `deploy` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `deploy_token_sealed` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `configured_at` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `updated_at` integer;