CREATE TABLE `runbook_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`runbook_id` text NOT NULL,
	`incident_id` text,
	`service` text,
	`environment` text,
	`trigger_key` text,
	`definition` text NOT NULL,
	`status` text NOT NULL,
	`step_index` integer NOT NULL,
	`in_failure_branch` integer NOT NULL,
	`dry_run` integer NOT NULL,
	`resume_at` integer,
	`action_run_id` text,
	`version` integer NOT NULL,
	`log` text NOT NULL,
	`started_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`runbook_id`) REFERENCES `runbooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runbook_runs_trigger_key_unique` ON `runbook_runs` (`trigger_key`);--> statement-breakpoint
CREATE INDEX `runbook_runs_org_idx` ON `runbook_runs` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runbook_runs_status_idx` ON `runbook_runs` (`status`,`resume_at`);--> statement-breakpoint
CREATE TABLE `runbooks` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`source` text NOT NULL,
	`definition` text NOT NULL,
	`enabled` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runbooks_org_idx` ON `runbooks` (`org_id`);