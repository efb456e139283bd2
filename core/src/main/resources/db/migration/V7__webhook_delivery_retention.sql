-- Finished webhook deliveries (and, by cascade, their attempts) are deleted after webhooks.retention.days; the notifier
-- finds them by when they finished.
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (finished_at) WHERE state <> 'pending';
