CREATE TABLE `action_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`analysis_id` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`reasoning` text NOT NULL,
	`risk` text NOT NULL,
	`priority` integer NOT NULL,
	`confidence` real NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_via` text,
	`decision_reason` text,
	`decided_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `action_runs_analysis_kind_idx` ON `action_runs` (`analysis_id`,`kind`);--> statement-breakpoint
CREATE INDEX `action_runs_org_status_idx` ON `action_runs` (`org_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `action_runs_incident_idx` ON `action_runs` (`incident_id`);--> statement-breakpoint
CREATE TABLE `ai_circuits` (
	`provider` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`failures` integer NOT NULL,
	`successes` integer NOT NULL,
	`opened_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ai_usage` (
	`org_id` text NOT NULL,
	`day` text NOT NULL,
	`calls` integer NOT NULL,
	`tokens` integer NOT NULL,
	PRIMARY KEY(`org_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `analyses` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`trigger` text NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`latency_ms` integer NOT NULL,
	`tokens_in` integer,
	`tokens_out` integer,
	`result` text NOT NULL,
	`attempts` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analyses_incident_trigger_idx` ON `analyses` (`incident_id`,`trigger`);--> statement-breakpoint
CREATE INDEX `analyses_org_idx` ON `analyses` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`settings` text NOT NULL,
	`secret` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `kind`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`incident_id` text,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`title` text NOT NULL,
	`payload` text NOT NULL,
	`external_ref` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_incident_kind_idx` ON `notifications` (`incident_id`,`kind`);--> statement-breakpoint
CREATE INDEX `notifications_org_idx` ON `notifications` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `slack_user_links` (
	`org_id` text NOT NULL,
	`slack_user_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`org_id`, `slack_user_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `slack_user_links_user_idx` ON `slack_user_links` (`org_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`source` text NOT NULL,
	`event_key` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`source`, `event_key`)
);
--> statement-breakpoint
CREATE INDEX `webhook_events_received_idx` ON `webhook_events` (`received_at`);--> statement-breakpoint
ALTER TABLE `analysis_jobs` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `acknowledged_at` integer;--> statement-breakpoint
ALTER TABLE `incidents` ADD `acknowledged_by` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `resolved_by` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `resolution_note` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `ai_order` text DEFAULT 'cloud_first' NOT NULL;