-- Parley's room access store (RoomAccessStore), version 2: rooms that were created, their
-- members' roles, and bans and mutes with the instant each ends. Standard SQL on every database.

-- One row per created room. Changes to a room's members and restrictions lock this row, so that
-- a room never loses its last owner, even under concurrent changes.
CREATE TABLE parley_room_access (
  room_id    VARCHAR(128) NOT NULL,
  visibility VARCHAR(16)  NOT NULL,
  CONSTRAINT parley_room_access_pk PRIMARY KEY (room_id)
);

CREATE TABLE parley_room_member (
  room_id VARCHAR(128) NOT NULL,
  user_id VARCHAR(64)  NOT NULL,
  role    VARCHAR(16)  NOT NULL,
  CONSTRAINT parley_room_member_pk PRIMARY KEY (room_id, user_id)
);

-- kind: BAN or MUTE; until_ms: epoch milliseconds at which it ends.
CREATE TABLE parley_room_restriction (
  room_id  VARCHAR(128) NOT NULL,
  user_id  VARCHAR(64)  NOT NULL,
  kind     VARCHAR(8)   NOT NULL,
  until_ms BIGINT       NOT NULL,
  reason   VARCHAR(800) NOT NULL,
  CONSTRAINT parley_room_restriction_pk PRIMARY KEY (room_id, user_id, kind)
);
