CREATE TABLE `analysis_jobs` (
	`incident_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`status` text NOT NULL,
	`context` text NOT NULL,
	`deliveries` integer NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `analysis_jobs_org_idx` ON `analysis_jobs` (`org_id`);--> statement-breakpoint
CREATE TABLE `anomalies` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`service` text NOT NULL,
	`metric_name` text NOT NULL,
	`labels` text NOT NULL,
	`current_value` real NOT NULL,
	`baseline_mean` real NOT NULL,
	`baseline_std_dev` real NOT NULL,
	`z_score` real NOT NULL,
	`deviation_percent` real NOT NULL,
	`severity` text NOT NULL,
	`anomaly_score` real NOT NULL,
	`detected_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `anomalies_incident_idx` ON `anomalies` (`incident_id`);--> statement-breakpoint
CREATE TABLE `deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`version` text NOT NULL,
	`status` text NOT NULL,
	`metadata` text,
	`deployed_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deployments_org_service_idx` ON `deployments` (`org_id`,`service`,`deployed_at`);--> statement-breakpoint
CREATE TABLE `environments` (
	`org_id` text NOT NULL,
	`service` text NOT NULL,
	`name` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `service`, `name`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `incident_events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident_idx` ON `incident_events` (`incident_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`fingerprint` text NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`severity` text NOT NULL,
	`anomaly_count` integer NOT NULL,
	`suspected_deployment_id` text,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incidents_org_status_idx` ON `incidents` (`org_id`,`status`,`opened_at`);--> statement-breakpoint
CREATE INDEX `incidents_org_fingerprint_idx` ON `incidents` (`org_id`,`service`,`fingerprint`,`status`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_org_name_idx` ON `services` (`org_id`,`name`);