CREATE TABLE `slack_link_proofs` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`slack_user_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `slack_link_proofs_expires_idx` ON `slack_link_proofs` (`expires_at`);--> statement-breakpoint
-- Links made before the proof existed were never proven, and one could have been claimed by the
-- wrong member: everyone links again with a code from the bot (Settings > Integrations).
DELETE FROM `slack_user_links`;
