-- Parley's message store, version 3: attachments (docs/attachments.md). Standard SQL on every
-- database (VARCHAR without a length is unbounded on H2 2.x and PostgreSQL).

-- A message's attachments as the server verified them, without download links: a JSON array of
-- objects with id, name, contentType, size, width, height and thumbnailId, in the sender's order.
-- NULL for a message without attachments (every message stored before version 3).
ALTER TABLE parley_message ADD COLUMN attachments VARCHAR;

-- Which blobs each kept message references (attachment and thumbnail ids, each once per message),
-- written in the append's transaction. Attachment retention asks for the distinct blob ids; a
-- message removed by retention takes its rows with it.
CREATE TABLE parley_message_blob (
  room_id VARCHAR(128) NOT NULL,
  seq     BIGINT       NOT NULL,
  blob_id VARCHAR(64)  NOT NULL,
  CONSTRAINT parley_message_blob_pk PRIMARY KEY (room_id, seq, blob_id),
  CONSTRAINT parley_message_blob_message FOREIGN KEY (room_id, seq)
    REFERENCES parley_message (room_id, seq) ON DELETE CASCADE
);

CREATE INDEX parley_message_blob_id ON parley_message_blob (blob_id);
