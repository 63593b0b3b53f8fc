CREATE TABLE `maintenance_windows` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`service` text,
	`environment` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_windows_org_idx` ON `maintenance_windows` (`org_id`,`ends_at`);--> statement-breakpoint
CREATE TABLE `suppression_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`reason` text,
	`enabled` integer NOT NULL,
	`service` text,
	`environment` text,
	`metric` text,
	`severities` text,
	`labels` text NOT NULL,
	`expires_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `suppression_rules_org_idx` ON `suppression_rules` (`org_id`);