-- A known account so the health check has a row to count on a fresh database.
INSERT INTO accounts (email) VALUES ('healthcheck@example.com');
