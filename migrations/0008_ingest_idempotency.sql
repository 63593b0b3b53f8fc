CREATE TABLE `ingest_requests` (
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`locked_until` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `key`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ingest_requests_expires_idx` ON `ingest_requests` (`expires_at`);--> statement-breakpoint
-- The `write` API key scope let a key call nothing; it is gone (workers/domain/auth/api-key-format.ts).
UPDATE `api_keys` SET `scopes` = (SELECT json_group_array(value) FROM json_each(`api_keys`.`scopes`) WHERE value <> 'write') WHERE EXISTS (SELECT 1 FROM json_each(`api_keys`.`scopes`) WHERE value = 'write');
