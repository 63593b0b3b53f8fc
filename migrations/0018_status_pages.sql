-- Public status pages (issue 18): opt-in, per organisation, listing chosen environments only.
CREATE TABLE `status_pages` (
	`org_id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`title` text NOT NULL,
	`components` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
