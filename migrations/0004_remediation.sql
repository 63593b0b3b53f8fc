CREATE TABLE `service_autonomy` (
	`org_id` text NOT NULL,
	`service` text NOT NULL,
	`policy` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `service`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `action_runs` ADD `params` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `policy_reasons` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `executor` text;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `result` text;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `started_at` integer;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `verify_until` integer;--> statement-breakpoint
ALTER TABLE `action_runs` ADD `finished_at` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `actions_paused_at` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `actions_paused_by` text;