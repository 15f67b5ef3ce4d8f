-- Parley's message store, version 1. Standard SQL; the one dialect difference is the name of the
-- variable-length binary type, given by the placeholder binary_type (H2: VARBINARY,
-- PostgreSQL: BYTEA).

-- One row per room: its epoch, the highest seq ever given (never reused) and the oldest seq still
-- kept. Appends lock this row, so a room's seqs are assigned one transaction at a time.
CREATE TABLE parley_room (
  room_id   VARCHAR(128) NOT NULL,
  epoch     BIGINT       NOT NULL,
  head_seq  BIGINT       NOT NULL,
  kept_from BIGINT       NOT NULL,
  CONSTRAINT parley_room_pk PRIMARY KEY (room_id)
);

-- The messages. Text is stored as UTF-8 bytes, so any string (NUL included) round-trips on every
-- database. A sender's client message id names one send, whatever the room: the second unique
-- constraint backs idempotency, and a reuse in another room is found and refused.
CREATE TABLE parley_message (
  room_id           VARCHAR(128)   NOT NULL,
  seq               BIGINT         NOT NULL,
  message_id        VARCHAR(64)    NOT NULL,
  sender            VARCHAR(64)    NOT NULL,
  client_message_id VARCHAR(64)    NOT NULL,
  sent_at_seconds   BIGINT         NOT NULL,
  sent_at_nanos     INTEGER        NOT NULL,
  body              ${binary_type} NOT NULL,
  payload           ${binary_type} NOT NULL,
  CONSTRAINT parley_message_pk PRIMARY KEY (room_id, seq),
  CONSTRAINT parley_message_client_id UNIQUE (sender, client_message_id)
);

-- Age-based retention finds expired messages through this index.
CREATE INDEX parley_message_sent_at ON parley_message (sent_at_seconds);
