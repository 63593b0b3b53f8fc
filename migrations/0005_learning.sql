CREATE TABLE `learning_stats` (
	`org_id` text NOT NULL,
	`pattern` text NOT NULL,
	`kind` text NOT NULL,
	`q` real NOT NULL,
	`n` integer NOT NULL,
	`successes` integer NOT NULL,
	`failures` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `pattern`, `kind`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `action_runs` ADD `pattern` text DEFAULT 'unclassified' NOT NULL;