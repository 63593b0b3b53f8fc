CREATE TABLE `auth_backoff` (
	`key` text PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`failures` integer NOT NULL,
	`blocked_until` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `auth_backoff_subject_idx` ON `auth_backoff` (`subject`);--> statement-breakpoint
CREATE INDEX `auth_backoff_updated_idx` ON `auth_backoff` (`updated_at`);