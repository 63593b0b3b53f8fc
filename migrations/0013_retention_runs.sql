CREATE TABLE `retention_runs` (
	`org_id` text NOT NULL,
	`run_id` text NOT NULL,
	`retention_days` integer NOT NULL,
	`cutoff` integer NOT NULL,
	`removed` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`cursor` text,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`org_id`, `run_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
