-- Razorpay billing (issue 16): the subscription's Razorpay ids, period and state-machine version;
-- webhook events by X-Razorpay-Event-Id (idempotency), and the payments and invoices they told of.
CREATE TABLE `razorpay_events` (
	`id` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`org_id` text,
	`outcome` text NOT NULL,
	`reason` text,
	`event_created_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `razorpay_events_org_idx` ON `razorpay_events` (`org_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `razorpay_invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`subscription_id` text,
	`payment_id` text,
	`amount` integer NOT NULL,
	`amount_paid` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`short_url` text,
	`billing_start` integer,
	`billing_end` integer,
	`issued_at` integer NOT NULL,
	`paid_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `razorpay_invoices_org_idx` ON `razorpay_invoices` (`org_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `razorpay_payments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`subscription_id` text,
	`invoice_id` text,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`method` text,
	`error_description` text,
	`attempted_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `razorpay_payments_org_idx` ON `razorpay_payments` (`org_id`,`attempted_at`);--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `razorpay_subscription_id` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `razorpay_customer_id` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `razorpay_plan_id` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `requested_plan` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `cancel_requested_at` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `cancel_at_period_end` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `current_period_start` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `billing_base_status` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `billing_base_plan` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `billing_version_at` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `billing_version_rank` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `billing_revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_razorpay_subscription_id_unique` ON `subscriptions` (`razorpay_subscription_id`);