-- An incident has an owner among the organisation's members (the incident page's assignee); notes and
-- status updates are incident_events of their own kinds, so they need no table.
ALTER TABLE `incidents` ADD `assignee_id` text;