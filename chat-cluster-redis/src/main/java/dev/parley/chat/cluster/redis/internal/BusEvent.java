package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.util.Objects;

/**
 * One event on a cluster's channel, with the {@link Origin} that says who sent it and where it
 * stands in that sender's sequence. Immutable.
 */
public sealed interface BusEvent {
  /** Who published the event, and its place among that node's events. */
  Origin origin();

  /**
   * The publishing node, the run of it that published ({@code incarnation}, new at every start, so
   * a restarted node with the same id starts a new sequence) and the event's number in that run,
   * from 1, one more for every event it published, delivered or not.
   *
   * @param nodeId the publishing node
   * @param incarnation chosen at random when the node started
   * @param sequence the event's number in the run
   */
  record Origin(String nodeId, long incarnation, long sequence) {
    /** Checks the fields. */
    public Origin {
      Objects.requireNonNull(nodeId, "nodeId");
      if (sequence < 1) {
        throw new IllegalArgumentException("sequence must be 1 or more, was " + sequence);
      }
    }
  }

  /** The sender stored {@code message}. */
  record MessageStored(Origin origin, ChatMessage message) implements BusEvent {
    /** Checks the fields. */
    public MessageStored {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(message, "message");
    }
  }

  /** {@code user} went online or offline in {@code room} on the sending node. */
  record PresenceChanged(Origin origin, RoomId room, UserId user, boolean online)
      implements BusEvent {
    /** Checks the fields. */
    public PresenceChanged {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(user, "user");
    }
  }

  /**
   * Node {@code nodeId} is gone: it left, or the sender removed it after its lease ran out, or it
   * restarted under the same id without having left (the sender is then the new run).
   */
  record NodeDown(Origin origin, String nodeId) implements BusEvent {
    /** Checks the fields. */
    public NodeDown {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * The sender found its lease missing (Redis lost its data, or another node dropped it) and wrote
   * its lease and presence anew: the others re-read presence.
   */
  record Rejoined(Origin origin) implements BusEvent {
    /** Checks the fields. */
    public Rejoined {
      Objects.requireNonNull(origin, "origin");
    }
  }
}
