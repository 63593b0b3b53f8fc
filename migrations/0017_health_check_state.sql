-- Health checks (issue 18): when each environment was last checked, its consecutive failures, and
-- whether it has an alert firing.
ALTER TABLE `environments` ADD `health_checked_at` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `health_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `environments` ADD `health_firing` integer DEFAULT false NOT NULL;