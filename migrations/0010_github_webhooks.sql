CREATE TABLE `github_repositories` (
	`org_id` text NOT NULL,
	`repository` text NOT NULL,
	`service` text NOT NULL,
	`environment` text,
	`workflows` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`org_id`, `repository`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `github_webhooks` (
	`org_id` text PRIMARY KEY NOT NULL,
	`secret` text NOT NULL,
	`secret_created_at` integer NOT NULL,
	`secret_created_by` text NOT NULL,
	`last_delivery_at` integer,
	`last_event` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
