-- Reads are per account, newest first.
CREATE INDEX idx_entries_account_created ON entries (account_id, created_at DESC);
