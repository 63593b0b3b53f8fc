-- Deployments Deployr triggers (issue 18): one run per deploy, promotion or rollback with its steps;
-- since when an environment has passed its checks, and how long it must before a promotion.
CREATE TABLE `deployment_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`version` text NOT NULL,
	`ref` text,
	`action` text NOT NULL,
	`status` text NOT NULL,
	`target_type` text NOT NULL,
	`external_id` text,
	`external_url` text,
	`requested_by` text NOT NULL,
	`forced` integer DEFAULT false NOT NULL,
	`from_environment` text,
	`incident_id` text,
	`error` text,
	`steps` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deployment_runs_env_idx` ON `deployment_runs` (`org_id`,`service`,`environment`,`created_at`);--> statement-breakpoint
CREATE INDEX `deployment_runs_status_idx` ON `deployment_runs` (`status`,`updated_at`);--> statement-breakpoint
ALTER TABLE `environments` ADD `health_ok_since` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `promotion_gate_minutes` integer;